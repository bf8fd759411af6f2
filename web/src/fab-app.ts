import { css, html, type LitElement } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { LightDomElement } from './light-dom-element.js';
import { LocaleController, t } from './i18n/index.js';
import { RouteController, type Navigation } from './router.js';
import { notFoundRoute, router, type AppRoute } from './routes.js';
import { pageExists } from './api/pages.js';
import { SITE_LOGO_CHANGED, siteLogo } from './site-head.js';
import './fab-language-switch.js';

/** The instance's name (FORGE_SITE_NAME), which the server writes into the page; "Fabrique" without it. */
const siteName = () => document.querySelector<HTMLMetaElement>('meta[name="application-name"]')?.content || t('site.name');
import './fab-user-menu.js';

/** The layout around every page: skip link, header, `<main>` with the routed page, footer. */
@customElement('fab-app')
export class FabApp extends LightDomElement {
  static override styles = css`
    fab-app {
      display: flex;
      flex-direction: column;
      min-height: 100vh;
    }
    fab-app .fab-skip {
      position: absolute;
      top: 0.5rem;
      left: 0.5rem;
      z-index: 30;
      padding: 0.5rem 1rem;
      color: var(--fab-on-accent);
      background: var(--fab-accent-dark);
      border-radius: var(--fab-radius);
      transform: translateY(-200%);
    }
    fab-app .fab-skip:focus {
      transform: none;
      outline: 3px solid #ffd166;
    }
    /* One row at every width: brand, navigation (behind a menu button on a phone), language, account. */
    fab-app .fab-header {
      position: relative;
      color: var(--fab-header-text);
      background: var(--fab-header-bg);
      --fab-focus: #ffd166;
    }
    fab-app .fab-bar,
    fab-app .fab-footer-inner,
    fab-app main > * {
      display: block;
      width: 100%;
      max-width: var(--fab-width);
      margin: 0 auto;
      padding: 0 var(--fab-space-4);
    }
    fab-app .fab-bar {
      display: flex;
      flex-wrap: nowrap;
      align-items: center;
      gap: var(--fab-space-4);
      min-height: 3.5rem;
      padding-block: var(--fab-space-2);
    }
    fab-app .fab-brand {
      display: inline-flex;
      align-items: center;
      gap: var(--fab-space-2);
      /* A long instance name (FORGE_SITE_NAME) gives way to the menus and ends in an ellipsis. */
      flex: 0 1 auto;
      min-width: 0;
      color: inherit;
      font-size: var(--fab-text-lg);
      font-weight: 700;
      letter-spacing: 0.01em;
      text-decoration: none;
    }
    fab-app .fab-logo {
      flex: none;
      width: 1.75rem;
      height: 1.75rem;
      /* An uploaded logo of any shape fits the mark's square without stretching. */
      object-fit: contain;
    }
    fab-app .fab-brand-name {
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    fab-app .fab-header a:hover {
      color: inherit;
    }
    fab-app .fab-menu-button {
      display: none;
      align-items: center;
      justify-content: center;
      width: 2.5rem;
      height: 2.5rem;
      padding: 0;
      color: inherit;
      background: transparent;
      border: 1px solid var(--fab-header-muted);
      border-radius: var(--fab-radius);
      cursor: pointer;
    }
    fab-app .fab-burger,
    fab-app .fab-burger::before,
    fab-app .fab-burger::after {
      display: block;
      width: 1.125rem;
      height: 2px;
      background: currentColor;
      border-radius: 1px;
    }
    fab-app .fab-burger {
      position: relative;
    }
    fab-app .fab-burger::before,
    fab-app .fab-burger::after {
      position: absolute;
      left: 0;
      content: '';
    }
    fab-app .fab-burger::before {
      top: -6px;
    }
    fab-app .fab-burger::after {
      top: 6px;
    }
    fab-app .fab-panel {
      display: flex;
      flex: 1;
      align-items: center;
      gap: var(--fab-space-4);
      min-width: 0;
    }
    fab-app .fab-nav ul {
      display: flex;
      gap: var(--fab-space-1);
      margin: 0;
      padding: 0;
      list-style: none;
    }
    fab-app .fab-nav a {
      display: block;
      padding: var(--fab-space-2) var(--fab-space-3);
      color: var(--fab-header-muted);
      font-weight: 600;
      text-decoration: none;
      border-radius: var(--fab-radius);
    }
    fab-app .fab-nav a:hover {
      color: var(--fab-header-text);
      background: rgb(255 255 255 / 10%);
    }
    fab-app .fab-nav a[aria-current='page'] {
      color: var(--fab-header-text);
      box-shadow: inset 0 -2px 0 #ffb74d;
    }
    fab-app fab-language-switch {
      margin-left: auto;
      font-size: var(--fab-text-sm);
    }
    fab-app fab-user-menu {
      flex: none;
    }
    /* A phone: the navigation and the language switch fold into a panel under the bar. */
    @media (max-width: 47.99rem) {
      fab-app .fab-menu-button {
        display: inline-flex;
        flex: none;
        order: -1;
      }
      fab-app .fab-brand {
        margin-right: auto;
      }
      fab-app .fab-panel {
        display: none;
        position: absolute;
        top: 100%;
        left: 0;
        right: 0;
        z-index: 20;
        flex-direction: column;
        align-items: stretch;
        padding: var(--fab-space-3) var(--fab-space-4) var(--fab-space-4);
        background: var(--fab-header-bg);
        border-top: 1px solid rgb(255 255 255 / 15%);
        box-shadow: var(--fab-shadow);
      }
      fab-app .fab-panel.fab-open {
        display: flex;
      }
      fab-app .fab-nav ul {
        flex-direction: column;
      }
      fab-app fab-language-switch {
        margin-left: 0;
      }
    }
    fab-app main {
      flex: 1;
      min-width: 0;
      padding-block: var(--fab-space-5) var(--fab-space-7);
    }
    fab-app main:focus {
      outline: none;
    }
    fab-app main h1 {
      margin: 0 0 var(--fab-space-4);
      font-size: var(--fab-text-2xl);
      line-height: 1.25;
    }
    fab-app main h2 {
      font-size: var(--fab-text-xl);
      line-height: 1.3;
    }
    fab-app .fab-footer {
      color: var(--fab-muted);
      font-size: var(--fab-text-sm);
      border-top: 1px solid var(--fab-border-subtle);
      background: var(--fab-surface);
      padding-block: var(--fab-space-4);
    }
    fab-app .fab-footer ul {
      display: flex;
      flex-wrap: wrap;
      gap: var(--fab-space-2) var(--fab-space-5);
      margin: 0;
      padding: 0;
      list-style: none;
    }
  `;

  private _locale = new LocaleController(this);
  private _route = new RouteController(this, router);
  /** Whether the phone's navigation panel is open; any navigation closes it. */
  @state() private _menuOpen = false;
  /** The navigation whose page last received focus, so that focus moves once per navigation. */
  private _focused: Navigation<AppRoute> | null = null;
  /** The address the server answered 404 for: the app shows its one not-found page instead of the route's layout. */
  @state() private _missing: string | null = null;
  private _stopRoute: (() => void) | null = null;

  private readonly _logoChanged = () => this.requestUpdate();

  override connectedCallback(): void {
    super.connectedCallback();
    router.start();
    window.addEventListener(SITE_LOGO_CHANGED, this._logoChanged);
    this._stopRoute = router.subscribe((navigation) => {
      this._menuOpen = false;
      void this._checkExists(navigation);
    });
    void this._checkExists(router.current);
  }

  override disconnectedCallback(): void {
    window.removeEventListener(SITE_LOGO_CHANGED, this._logoChanged);
    this._stopRoute?.();
    super.disconnectedCallback();
  }

  /**
   * Asks whether the server has the page (a route with parameters may name an owner, repository,
   * file or commit that does not exist): a 404 replaces the whole page, layout included.
   */
  private async _checkExists(navigation: Navigation<AppRoute>): Promise<void> {
    const { match, url, cause } = navigation;
    if (!match || !match.route.pattern.includes(':')) return;
    const exists = await pageExists(url, cause === 'start').catch(() => true);
    if (!exists && router.current === navigation) this._missing = url.href;
  }

  override render() {
    const { url } = this._route.navigation;
    const match = this._missing === url.href ? null : this._route.navigation.match;
    // The page's own chunk; the module system loads it once, later calls return the same promise.
    void match?.route.load?.();
    return html`
      <a class="fab-skip" href="#content">${t('layout.skip')}</a>
      <header class="fab-header">
        <div class="fab-bar">
          <button
            type="button"
            class="fab-menu-button"
            aria-expanded=${this._menuOpen ? 'true' : 'false'}
            aria-controls="fab-panel"
            @click=${() => (this._menuOpen = !this._menuOpen)}
          >
            <span class="fab-burger" aria-hidden="true"></span><span class="visually-hidden">${t('layout.menu')}</span>
          </button>
          <a class="fab-brand" href="/" aria-label=${t('site.home', { name: siteName() })}>${this._renderLogo()}<span class="fab-brand-name">${siteName()}</span></a>
          <div class="fab-panel ${this._menuOpen ? 'fab-open' : ''}" id="fab-panel">
            <nav class="fab-nav" aria-label=${t('layout.primaryNav')}>
              <ul>
                <li><a href="/explore" aria-current=${url.pathname === '/explore' ? 'page' : 'false'}>${t('layout.explore')}</a></li>
                <li><a href="/catalogue" aria-current=${url.pathname === '/catalogue' ? 'page' : 'false'}>${t('catalogue.title')}</a></li>
              </ul>
            </nav>
            <fab-language-switch></fab-language-switch>
          </div>
          <fab-user-menu></fab-user-menu>
        </div>
      </header>
      <main id="content" tabindex="-1">${match ? match.route.render(match) : notFoundRoute.render(url)}</main>
      <footer class="fab-footer">
        <div class="fab-footer-inner">
          <nav aria-label=${t('layout.footerNav')}>
            <ul>
              <li>
                <a href="/accessibilite" aria-current=${url.pathname === '/accessibilite' ? 'page' : 'false'}>${t('layout.accessibility')}</a>
              </li>
            </ul>
          </nav>
        </div>
      </footer>
    `;
  }

  /** The instance's uploaded logo, else Fabrique's mark; in the same box, so the name never moves when the image arrives. */
  private _renderLogo() {
    const logo = siteLogo();
    if (logo) return html`<img class="fab-logo" src=${logo} alt=${siteName()} width="28" height="28" />`;
    return html`<svg class="fab-logo" viewBox="0 0 28 28" aria-hidden="true" focusable="false"><rect width="28" height="28" rx="6" fill="#ffb74d" /><path d="M9 7h11v3.5h-7v3h6v3.5h-6V22H9z" fill="#16202c" /></svg>`;
  }

  protected override updated(): void {
    const navigation = this._route.navigation;
    const match = this._missing === navigation.url.href ? null : navigation.match;
    const title = match ? match.route.title(match) : notFoundRoute.title();
    document.title = `${title} · ${siteName()}`;
    if (navigation.cause !== 'start' && navigation !== this._focused) {
      this._focused = navigation;
      void this._focusPage();
    }
  }

  /** After a client-side navigation, focus goes to the new page's h1 so that screen readers announce it. */
  private async _focusPage(): Promise<void> {
    const main = this.querySelector('main');
    const page = main?.firstElementChild as LitElement | null | undefined;
    // A page whose chunk is still loading is an undefined element: wait for it before looking for its h1.
    if (page && page.localName.includes('-')) await customElements.whenDefined(page.localName);
    if (page && 'updateComplete' in page) await page.updateComplete;
    const target = main?.querySelector('h1') ?? main;
    if (!target) return;
    if (target !== main) target.setAttribute('tabindex', '-1');
    const { cause, scrollY } = this._route.navigation;
    target.focus({ preventScroll: true });
    if (cause === 'push') window.scrollTo(0, 0);
    else if (scrollY !== undefined) await this._restoreScroll(scrollY);
  }

  /**
   * Back or forward: scrolls to where the visitor was, once the page has rendered its data (its
   * loading line gone and the page tall enough), or after 5 s with what there is.
   */
  private async _restoreScroll(y: number): Promise<void> {
    const navigation = this._route.navigation;
    const deadline = performance.now() + 5000;
    const ready = () =>
      this.querySelector('main [role="status"].fab-status') === null && document.documentElement.scrollHeight - window.innerHeight >= y;
    while (!ready() && performance.now() < deadline) {
      await new Promise((resolve) => requestAnimationFrame(resolve));
      if (this._route.navigation !== navigation) return;
    }
    window.scrollTo(0, y);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-app': FabApp;
  }
}

import { css, html, type LitElement } from 'lit';
import { customElement } from 'lit/decorators.js';
import { LightDomElement } from './light-dom-element.js';
import { LocaleController, t } from './i18n/index.js';
import { RouteController, type Navigation } from './router.js';
import { notFoundRoute, router, type AppRoute } from './routes.js';
import './fab-language-switch.js';
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
      z-index: 10;
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
    fab-app .fab-header {
      color: var(--fab-on-accent);
      background: var(--fab-accent);
      --fab-focus: #ffd166;
    }
    fab-app .fab-bar,
    fab-app .fab-footer-inner,
    fab-app main > * {
      display: block;
      width: 100%;
      max-width: var(--fab-width);
      margin: 0 auto;
      padding: 0 1rem;
    }
    fab-app .fab-bar {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.5rem 1.5rem;
      padding-block: 0.75rem;
    }
    fab-app .fab-brand {
      color: inherit;
      font-size: 1.375rem;
      font-weight: 700;
      text-decoration: none;
    }
    fab-app .fab-header a:hover {
      color: inherit;
      text-decoration: underline;
    }
    fab-app .fab-nav ul {
      display: flex;
      gap: 1rem;
      margin: 0;
      padding: 0;
      list-style: none;
    }
    fab-app .fab-nav a {
      color: inherit;
    }
    fab-app .fab-nav a[aria-current='page'] {
      font-weight: 600;
      text-decoration-thickness: 3px;
    }
    fab-app fab-language-switch {
      margin-left: auto;
    }
    fab-app main {
      flex: 1;
      padding-block: 1.5rem 3rem;
    }
    fab-app main:focus {
      outline: none;
    }
    fab-app main h1 {
      margin: 0 0 1rem;
      font-size: 1.875rem;
      line-height: 1.25;
    }
    fab-app .fab-footer {
      border-top: 1px solid var(--fab-border);
      background: var(--fab-surface);
      padding-block: 1rem;
    }
    fab-app .fab-footer ul {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem 1.5rem;
      margin: 0;
      padding: 0;
      list-style: none;
    }
  `;

  private _locale = new LocaleController(this);
  private _route = new RouteController(this, router);
  /** The navigation whose page last received focus, so that focus moves once per navigation. */
  private _focused: Navigation<AppRoute> | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    router.start();
  }

  override render() {
    const { url, match } = this._route.navigation;
    // The page's own chunk; the module system loads it once, later calls return the same promise.
    void match?.route.load?.();
    return html`
      <a class="fab-skip" href="#content">${t('layout.skip')}</a>
      <header class="fab-header">
        <div class="fab-bar">
          <a class="fab-brand" href="/" aria-label=${t('site.home')}>${t('site.name')}</a>
          <nav class="fab-nav" aria-label=${t('layout.primaryNav')}>
            <ul>
              <li><a href="/explore" aria-current=${url.pathname === '/explore' ? 'page' : 'false'}>${t('layout.explore')}</a></li>
              <li><a href="/catalogue" aria-current=${url.pathname === '/catalogue' ? 'page' : 'false'}>${t('catalogue.title')}</a></li>
            </ul>
          </nav>
          <fab-language-switch></fab-language-switch>
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

  protected override updated(): void {
    const navigation = this._route.navigation;
    const { match } = navigation;
    const title = match ? match.route.title(match) : notFoundRoute.title();
    document.title = `${title} · ${t('site.name')}`;
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
    target.focus();
    if (this._route.navigation.cause === 'push') window.scrollTo(0, 0);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-app': FabApp;
  }
}

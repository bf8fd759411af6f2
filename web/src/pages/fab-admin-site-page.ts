import { css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { LightDomElement } from '../light-dom-element.js';
import { LocaleController, t, type MessageKey } from '../i18n/index.js';
import '../i18n/areas/account.js';
import '../i18n/areas/admin.js';
import { fileAsBase64, getSiteSettings, setSiteLogo, updateSiteSettings, type SiteSettings } from '../api/account.js';
import { FormSubmission, apiErrorText, asApiError, formStyles } from '../forms.js';
import { SessionController, signInHref } from '../session.js';
import { router } from '../routes.js';
import { showSiteLogo } from '../site-head.js';
import '../fab-markdown.js';

const PATH = '/-/admin/site';
const ERROR_ID = 'site-error';

/** `/-/admin/site`: the instance's home page introduction (Markdown) and logo, for site administrators. */
@customElement('fab-admin-site-page')
export class FabAdminSitePage extends LightDomElement {
  static override styles = [
    formStyles,
    css`
      fab-admin-site-page h2 {
        margin-top: 2rem;
        font-size: 1.375rem;
      }
      fab-admin-site-page textarea {
        font-family: var(--fab-mono);
      }
      fab-admin-site-page .fab-logo {
        max-width: 8rem;
        max-height: 8rem;
      }
      fab-admin-site-page .fab-preview {
        padding: 1rem;
        border: 2px dashed var(--fab-border);
        border-radius: var(--fab-radius);
      }
    `,
  ];

  private _form = new FormSubmission(this);
  @state() private _status: MessageKey | null = null;
  @state() private _settings: SiteSettings | null = null;

  private _locale = new LocaleController(this);
  private _session = new SessionController(this);

  private _loaded = new Task(this, {
    task: async ([login]: readonly [string | undefined], { signal }) => {
      if (!login) return null;
      this._settings = await getSiteSettings(signal);
      return this._settings;
    },
    args: () => [this._session.user?.login] as const,
  });

  protected override updated(): void {
    if (this._session.loaded && !this._session.user) router.navigate(signInHref(PATH), { replace: true });
  }

  override render() {
    return html`
      <h1>${t('adminSite.heading')}</h1>
      <div role="status">${this._status ? html`<p class="fab-success">${t(this._status)}</p>` : nothing}</div>
      <div class="fab-alert" role="alert" id=${ERROR_ID}>${this._form.error ? apiErrorText(this._form.error, { 413: 'settings.avatarTooLarge' }) : nothing}</div>
      ${this._loaded.render({
        pending: () => html`<p role="status">${t('tokens.loading')}</p>`,
        complete: () => (this._settings ? this._renderForms(this._settings) : nothing),
        error: (err) => html`<div class="fab-alert">${apiErrorText(asApiError(err), { 403: 'adminSite.forbidden' })}</div>`,
      })}
    `;
  }

  private _renderForms(settings: SiteSettings) {
    return html`
      <p>${t('adminSite.name', { name: settings.name })}</p>
      <h2>${t('adminSite.intro')}</h2>
      <form class="fab-form" @submit=${this._saveIntro}>
        <div>
          <label for="site-intro">${t('adminSite.introLabel')}</label>
          <span class="fab-hint" id="site-intro-hint">${t('adminSite.introHint')}</span>
          <textarea id="site-intro" name="intro" rows="8" maxlength="20000" aria-describedby="site-intro-hint" .value=${settings.intro}></textarea>
        </div>
        <button class="fab-button" type="submit" ?disabled=${this._form.busy}>${t('settings.save')}</button>
      </form>
      ${settings.intro_html
        ? html`<h3>${t('adminSite.preview')}</h3>
            <div class="fab-preview"><fab-markdown .html=${settings.intro_html} .level=${3}></fab-markdown></div>`
        : nothing}
      <h2>${t('adminSite.logo')}</h2>
      ${settings.logo_url ? html`<p><img class="fab-logo" src=${settings.logo_url} alt=${t('adminSite.logoAlt')} /></p>` : nothing}
      <form class="fab-form" @submit=${this._uploadLogo}>
        <div>
          <label for="site-logo">${t('adminSite.logoFile')}</label>
          <span class="fab-hint" id="site-logo-hint">${t('settings.avatarHint')}</span>
          <input id="site-logo" name="logo" type="file" accept="image/png,image/jpeg,image/webp" required aria-describedby="site-logo-hint" />
        </div>
        <button class="fab-button" type="submit" ?disabled=${this._form.busy}>${t('settings.avatarUpload')}</button>
      </form>
      ${settings.logo_url
        ? html`<p><button class="fab-button fab-secondary" type="button" ?disabled=${this._form.busy} @click=${this._removeLogo}>${t('adminSite.logoRemove')}</button></p>`
        : nothing}
    `;
  }

  private async _saveIntro(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const intro = String(new FormData(event.currentTarget as HTMLFormElement).get('intro') ?? '');
    await this._run(() => updateSiteSettings({ intro }), 'adminSite.saved');
  }

  private async _uploadLogo(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const file = (event.currentTarget as HTMLFormElement).querySelector<HTMLInputElement>('#site-logo')?.files?.[0];
    if (file) await this._run(async () => setSiteLogo(await fileAsBase64(file)), 'adminSite.logoSaved');
    if (this._status === 'adminSite.logoSaved') showSiteLogo(this._settings?.logo_url ?? null);
  }

  private async _removeLogo(): Promise<void> {
    await this._run(() => setSiteLogo(null), 'adminSite.logoRemoved');
    if (this._status === 'adminSite.logoRemoved') showSiteLogo(null);
  }

  private async _run(call: () => Promise<SiteSettings>, success: MessageKey): Promise<void> {
    this._status = null;
    if (await this._form.run(async () => (this._settings = await call()))) this._status = success;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-admin-site-page': FabAdminSitePage;
  }
}

import { css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { LightDomElement } from '../light-dom-element.js';
import { LocaleController, t, type MessageKey } from '../i18n/index.js';
import '../i18n/areas/account.js';
import type { ApiError } from '../api/client.js';
import { fileAsBase64, getSettings, removeAvatar, resendConfirmation, updateSettings, uploadAvatar, type UserSettings } from '../api/account.js';
import { apiErrorText, asApiError, formStyles } from '../forms.js';
import { SessionController, signInHref } from '../session.js';
import { router } from '../routes.js';

const PATH = '/user/settings';
const ERROR_ID = 'settings-error';
const AVATAR_ERROR_ID = 'avatar-error';

/** `/user/settings`: the signed-in account's profile (name, bio, website, location, address) and avatar. */
@customElement('fab-user-settings-page')
export class FabUserSettingsPage extends LightDomElement {
  static override styles = [
    formStyles,
    css`
      fab-user-settings-page h2 {
        margin-top: 2rem;
        font-size: 1.375rem;
      }
      fab-user-settings-page .fab-avatar-row {
        display: flex;
        flex-wrap: wrap;
        gap: 1rem;
        align-items: center;
      }
      fab-user-settings-page .fab-avatar-row img {
        width: 6rem;
        height: 6rem;
        border-radius: 50%;
        background: var(--fab-surface);
      }
      fab-user-settings-page .fab-badge {
        display: inline-block;
        margin-left: 0.5rem;
        padding: 0 0.5rem;
        font-size: 0.875rem;
        font-weight: 600;
        color: var(--fab-danger);
        border: 1px solid currentColor;
        border-radius: 999px;
      }
      fab-user-settings-page .fab-inline-actions {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
      }
    `,
  ];

  @state() private _submitting = false;
  @state() private _error: ApiError | null = null;
  @state() private _avatarError: ApiError | null = null;
  @state() private _status: MessageKey | null = null;
  /** The settings as last saved (the form's values come from it). */
  @state() private _settings: UserSettings | null = null;

  private _locale = new LocaleController(this);
  private _session = new SessionController(this);

  private _loaded = new Task(this, {
    task: async ([login]: readonly [string | undefined], { signal }) => {
      if (!login) return null;
      this._settings = await getSettings(signal);
      return this._settings;
    },
    args: () => [this._session.user?.login] as const,
  });

  protected override updated(): void {
    // Not signed in (or just signed out): this page belongs to an account.
    if (this._session.loaded && !this._session.user) router.navigate(signInHref(PATH), { replace: true });
  }

  override render() {
    const user = this._session.user;
    return html`
      <h1>${t('settings.heading')}</h1>
      ${user
        ? html`
            <p><a href="/${user.login}">${t('settings.viewProfile')}</a> · <a href="/user/settings/applications">${t('tokens.heading')}</a> · <a href="/user/settings/account">${t('privacy.settingsLink')}</a></p>
            <div role="status">${this._status ? html`<p class="fab-success">${t(this._status)}</p>` : nothing}</div>
            ${this._loaded.render({
              pending: () => html`<p role="status">${t('tokens.loading')}</p>`,
              complete: () => (this._settings ? this._renderForms(this._settings) : nothing),
              error: (err) => html`<div class="fab-alert">${apiErrorText(asApiError(err), {})}</div>`,
            })}
          `
        : html`<p role="status">${t('tokens.loading')}</p>`}
    `;
  }

  private _renderForms(settings: UserSettings) {
    const field = (id: keyof UserSettings, label: MessageKey, type: string, autocomplete: string, hint?: MessageKey) => html`<div>
      <label for="settings-${id}">${t(label)}</label>
      ${hint ? html`<span class="fab-hint" id="settings-${id}-hint">${t(hint)}</span>` : nothing}
      <input
        id="settings-${id}"
        name=${id}
        type=${type}
        autocomplete=${autocomplete}
        .value=${String(settings[id])}
        aria-invalid=${this._error?.field === id ? 'true' : 'false'}
        aria-describedby=${[hint ? `settings-${id}-hint` : '', this._error?.field === id ? ERROR_ID : ''].filter(Boolean).join(' ') || nothing}
      />
    </div>`;
    return html`
      <h2>${t('settings.profile')}</h2>
      <div class="fab-alert" role="alert" id=${ERROR_ID}>${this._error ? apiErrorText(this._error, {}) : nothing}</div>
      <form class="fab-form" @submit=${this._save}>
        ${field('full_name', 'settings.fullName', 'text', 'name')}
        <div>
          <label for="settings-description">${t('settings.description')}</label>
          <textarea id="settings-description" name="description" rows="3" maxlength="255" .value=${settings.description}></textarea>
        </div>
        ${field('website', 'settings.website', 'url', 'url', 'settings.websiteHint')}
        ${field('location', 'settings.location', 'text', 'address-level2')}
        <div>
          ${field('email', 'settings.email', 'email', 'email')}
          ${settings.email_confirmed
            ? nothing
            : html`<p>
                <span class="fab-badge">${t('settings.unconfirmed')}</span>
                <button class="fab-button fab-secondary" type="button" @click=${this._resend}>${t('settings.resend')}</button>
              </p>`}
        </div>
        <button class="fab-button" type="submit" ?disabled=${this._submitting}>${t('settings.save')}</button>
      </form>

      <h2>${t('settings.avatar')}</h2>
      <div class="fab-alert" role="alert" id=${AVATAR_ERROR_ID}>${this._avatarError ? apiErrorText(this._avatarError, { 413: 'settings.avatarTooLarge', 422: 'settings.avatarWrongType' }) : nothing}</div>
      <div class="fab-avatar-row">
        <img src=${settings.avatar_url} alt=${t('settings.avatarAlt')} width="96" height="96" />
        <form class="fab-form" @submit=${this._upload}>
          <div>
            <label for="settings-avatar">${t('settings.avatarFile')}</label>
            <span class="fab-hint" id="settings-avatar-hint">${t('settings.avatarHint')}</span>
            <input id="settings-avatar" name="avatar" type="file" accept="image/png,image/jpeg,image/webp" required aria-describedby="settings-avatar-hint" />
          </div>
          <div class="fab-inline-actions">
            <button class="fab-button" type="submit" ?disabled=${this._submitting}>${t('settings.avatarUpload')}</button>
            ${settings.has_avatar
              ? html`<button class="fab-button fab-secondary" type="button" ?disabled=${this._submitting} @click=${this._removeAvatar}>${t('settings.avatarRemove')}</button>`
              : nothing}
          </div>
        </form>
      </div>
    `;
  }

  private async _save(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const value = (name: string) => String(data.get(name) ?? '').trim();
    await this._run(
      async () => {
        this._settings = await updateSettings({ full_name: value('full_name'), description: value('description'), website: value('website'), location: value('location'), email: value('email') });
      },
      'settings.saved',
      (err) => (this._error = err),
    );
  }

  private async _resend(): Promise<void> {
    await this._run(() => resendConfirmation(), 'settings.resent', (err) => (this._error = err));
  }

  private async _upload(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const file = (event.currentTarget as HTMLFormElement).querySelector<HTMLInputElement>('#settings-avatar')?.files?.[0];
    if (!file) return;
    await this._run(
      async () => {
        await uploadAvatar(await fileAsBase64(file));
        this._settings = await getSettings();
      },
      'settings.avatarSaved',
      (err) => (this._avatarError = err),
    );
  }

  private async _removeAvatar(): Promise<void> {
    await this._run(
      async () => {
        await removeAvatar();
        this._settings = await getSettings();
      },
      'settings.avatarRemoved',
      (err) => (this._avatarError = err),
    );
  }

  private async _run(call: () => Promise<void>, success: MessageKey, failed: (err: ApiError) => void): Promise<void> {
    this._error = null;
    this._avatarError = null;
    this._status = null;
    this._submitting = true;
    try {
      await call();
      this._status = success;
    } catch (err) {
      failed(asApiError(err));
    } finally {
      this._submitting = false;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-user-settings-page': FabUserSettingsPage;
  }
}

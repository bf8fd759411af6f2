import { css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { LightDomElement } from '../light-dom-element.js';
import { LocaleController, t } from '../i18n/index.js';
import '../i18n/areas/create.js';
import type { ApiError } from '../api/client.js';
import { listMyOrganizations } from '../api/orgs.js';
import { migrateRepository } from '../api/migrate.js';
import { apiErrorText, asApiError, formStyles, textField } from '../forms.js';
import { SessionController, signInHref } from '../session.js';
import { router } from '../routes.js';

const ERROR_ID = 'migrate-error';
const PATH = '/repo/migrate';

/** The repository name a clone address suggests: its last path segment without ".git". */
function suggestedName(address: string): string {
  try {
    const last = new URL(address).pathname.split('/').filter(Boolean).pop() ?? '';
    return last.replace(/\.git$/, '').replace(/[^A-Za-z0-9._-]/g, '-');
  } catch {
    return '';
  }
}

/** `/repo/migrate`: imports or mirrors a repository from another forge (Fabrique, Gitea, GitLab, GitHub). */
@customElement('fab-migrate-page')
export class FabMigratePage extends LightDomElement {
  static override styles = [
    formStyles,
    css`
      fab-migrate-page .fab-progress:not(:empty) {
        display: flex;
        gap: 0.75rem;
        align-items: center;
      }
      fab-migrate-page .fab-spinner {
        flex: none;
        width: 1.25rem;
        height: 1.25rem;
        border: 3px solid var(--fab-border);
        border-top-color: var(--fab-accent);
        border-radius: 50%;
        animation: fab-spin 1s linear infinite;
      }
      @media (prefers-reduced-motion: reduce) {
        fab-migrate-page .fab-spinner {
          animation: none;
        }
      }
      @keyframes fab-spin {
        to {
          transform: rotate(360deg);
        }
      }
    `,
  ];

  @state() private _submitting = false;
  @state() private _mirror = false;
  @state() private _error: ApiError | null = null;
  private _nameTyped = false;

  private _locale = new LocaleController(this);
  private _session = new SessionController(this);

  private _orgs = new Task(this, {
    task: ([login], { signal }) => (login ? listMyOrganizations(signal) : Promise.resolve([])),
    args: () => [this._session.user?.login] as const,
  });

  protected override updated(): void {
    if (this._session.loaded && !this._session.user) router.navigate(signInHref(PATH), { replace: true });
  }

  override render() {
    const user = this._session.user;
    if (!user) return html`<h1>${t('migrate.heading')}</h1><p role="status">${t('newRepo.loading')}</p>`;
    const invalid = (field: string) => this._error?.field === field;
    return html`
      <h1>${t('migrate.heading')}</h1>
      <p>${t('migrate.intro')}</p>
      <div class="fab-alert" role="alert" id=${ERROR_ID}>${this._error ? apiErrorText(this._error, { 409: 'newRepo.taken' }) : nothing}</div>
      <form class="fab-form" @submit=${this._submit} @input=${this._suggestName}>
        <div>
          <label for="migrate-url">${t('migrate.url')}</label>
          <span class="fab-hint" id="migrate-url-hint">${t('migrate.urlHint')}</span>
          <input
            id="migrate-url"
            name="clone_addr"
            type="url"
            required
            autocomplete="off"
            placeholder="https://forge.example.org/owner/project.git"
            aria-describedby=${invalid('clone_addr') ? `migrate-url-hint ${ERROR_ID}` : 'migrate-url-hint'}
            aria-invalid=${invalid('clone_addr') ? 'true' : 'false'}
          />
        </div>
        <div>
          <label for="migrate-owner">${t('newRepo.owner')}</label>
          <select id="migrate-owner" name="repo_owner">
            <option value=${user.login}>${user.login}</option>
            ${(this._orgs.value ?? []).map((org) => html`<option value=${org.username}>${org.username}</option>`)}
          </select>
        </div>
        ${textField({ id: 'migrate-name', name: 'repo_name', label: 'newRepo.name', type: 'text', autocomplete: 'off', hint: 'newRepo.nameHint', invalid: invalid('repo_name') || invalid('name'), errorId: ERROR_ID })}
        <div>
          <label for="migrate-description">${t('newRepo.description')}</label>
          <textarea id="migrate-description" name="description" rows="2" maxlength="2048"></textarea>
        </div>
        <fieldset>
          <legend>${t('migrate.kind')}</legend>
          <div>
            <input type="checkbox" id="migrate-mirror" name="mirror" @change=${(e: Event) => (this._mirror = (e.target as HTMLInputElement).checked)} />
            <label for="migrate-mirror">${t('migrate.mirror')}</label>
          </div>
          ${this._mirror
            ? html`<div>
                <label for="migrate-interval">${t('migrate.interval')}</label>
                <span class="fab-hint" id="migrate-interval-hint">${t('migrate.intervalHint')}</span>
                <input
                  id="migrate-interval"
                  name="mirror_interval"
                  type="text"
                  value="8h0m0s"
                  autocomplete="off"
                  aria-describedby="migrate-interval-hint"
                  aria-invalid=${invalid('mirror_interval') ? 'true' : 'false'}
                />
              </div>`
            : nothing}
          <div>
            <input type="checkbox" id="migrate-private" name="private" />
            <label for="migrate-private">${t('newRepo.private')}</label>
          </div>
        </fieldset>
        <fieldset>
          <legend>${t('migrate.credentials')}</legend>
          <span class="fab-hint" id="migrate-credentials-hint">${t('migrate.credentialsHint')}</span>
          <div>
            <label for="migrate-username">${t('migrate.username')}</label>
            <input id="migrate-username" name="auth_username" type="text" autocomplete="off" aria-describedby="migrate-credentials-hint" />
          </div>
          <div>
            <label for="migrate-token">${t('migrate.token')}</label>
            <input id="migrate-token" name="auth_token" type="password" autocomplete="new-password" aria-describedby="migrate-credentials-hint" />
          </div>
        </fieldset>
        <div class="fab-progress" role="status" aria-live="polite">
          ${this._submitting ? html`<span class="fab-spinner" aria-hidden="true"></span><span>${t('migrate.progress')}</span>` : nothing}
        </div>
        <button class="fab-button" type="submit" ?disabled=${this._submitting}>${this._submitting ? t('migrate.submitting') : t('migrate.submit')}</button>
      </form>
    `;
  }

  /** The name follows the address as it is typed, until the name is typed itself. */
  private _suggestName(event: Event): void {
    const input = event.target as HTMLInputElement;
    if (input.name === 'repo_name') this._nameTyped = true;
    const name = this.querySelector<HTMLInputElement>('#migrate-name');
    if (input.name === 'clone_addr' && name && !this._nameTyped) name.value = suggestedName(input.value);
  }

  private async _submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    if (this._submitting) return;
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const field = (name: string) => String(data.get(name) ?? '').trim();
    const mirror = data.get('mirror') !== null;
    this._submitting = true;
    this._error = null;
    try {
      const repo = await migrateRepository({
        clone_addr: field('clone_addr'),
        repo_owner: field('repo_owner'),
        repo_name: field('repo_name'),
        description: field('description'),
        mirror,
        mirror_interval: mirror ? field('mirror_interval') : undefined,
        private: data.get('private') !== null,
        auth_username: field('auth_username') || undefined,
        auth_token: field('auth_token') || undefined,
      });
      router.navigate(`/${repo.full_name}`);
    } catch (err) {
      this._error = asApiError(err);
      await this.updateComplete;
      const blamed = this._error.field === 'name' ? 'repo_name' : (this._error.field ?? 'clone_addr');
      this.querySelector<HTMLElement>(`[name="${blamed}"]`)?.focus();
    } finally {
      this._submitting = false;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-migrate-page': FabMigratePage;
  }
}

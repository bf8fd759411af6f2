import { html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { LightDomElement } from '../light-dom-element.js';
import { LocaleController, t } from '../i18n/index.js';
import '../i18n/areas/create.js';
import type { ApiError } from '../api/client.js';
import { createRepository } from '../api/repos.js';
import { FRENCH_LICENCES } from '../../../contract/licences.js';
import { listMyOrganizations } from '../api/orgs.js';
import { apiErrorText, asApiError, formStyles, textField } from '../forms.js';
import { SessionController, signInHref } from '../session.js';
import { router } from '../routes.js';

const ERROR_ID = 'new-repo-error';
const PATH = '/repo/create';

/** `/repo/create`: a new repository for the signed-in account or one of its organisations. */
@customElement('fab-new-repo-page')
export class FabNewRepoPage extends LightDomElement {
  static override styles = formStyles;

  @state() private _submitting = false;
  @state() private _error: ApiError | null = null;

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
    const invalid = (field: string) => this._error?.field === field;
    return html`
      <h1>${t('newRepo.heading')}</h1>
      ${user
        ? html`<div class="fab-alert" role="alert" id=${ERROR_ID}>${this._error ? apiErrorText(this._error, { 409: 'newRepo.taken' }) : nothing}</div>
            <form class="fab-form" @submit=${this._submit}>
              <div>
                <label for="new-repo-owner">${t('newRepo.owner')}</label>
                <select id="new-repo-owner" name="owner">
                  <option value="">${user.login}</option>
                  ${(this._orgs.value ?? []).map((org) => html`<option value=${org.username}>${org.username}</option>`)}
                </select>
              </div>
              ${textField({ id: 'new-repo-name', name: 'name', label: 'newRepo.name', type: 'text', autocomplete: 'off', hint: 'newRepo.nameHint', invalid: invalid('name'), errorId: ERROR_ID })}
              <div>
                <label for="new-repo-description">${t('newRepo.description')}</label>
                <textarea id="new-repo-description" name="description" rows="3" maxlength="2048"></textarea>
              </div>
              <fieldset>
                <legend>${t('newRepo.visibility')}</legend>
                <div class="fab-check"><input type="radio" id="new-repo-public" name="visibility" value="public" checked /> <label for="new-repo-public">${t('newRepo.public')}</label></div>
                <div class="fab-check"><input type="radio" id="new-repo-private" name="visibility" value="private" /> <label for="new-repo-private">${t('newRepo.private')}</label></div>
              </fieldset>
              <div class="fab-check">
                <input type="checkbox" id="new-repo-init" name="auto_init" />
                <label for="new-repo-init">${t('newRepo.autoInit')}</label>
              </div>
              <div>
                <label for="new-repo-license">${t('newRepo.licence')}</label>
                <span class="fab-hint" id="new-repo-license-hint">${t('newRepo.licenceHint')}</span>
                <select id="new-repo-license" name="license" aria-describedby="new-repo-license-hint" aria-invalid=${invalid('license') ? 'true' : 'false'}>
                  <option value="">${t('newRepo.noLicence')}</option>
                  ${FRENCH_LICENCES.map((id) => html`<option value=${id}>${id}</option>`)}
                </select>
              </div>
              <div>
                <label for="new-repo-branch">${t('newRepo.defaultBranch')}</label>
                <input id="new-repo-branch" name="default_branch" type="text" value="main" autocomplete="off" aria-invalid=${invalid('default_branch') ? 'true' : 'false'} />
              </div>
              <button class="fab-button" type="submit" ?disabled=${this._submitting}>${this._submitting ? t('newRepo.submitting') : t('newRepo.submit')}</button>
            </form>`
        : html`<p role="status">${t('newRepo.loading')}</p>`}
    `;
  }

  private async _submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const field = (name: string) => String(data.get(name) ?? '').trim();
    const license = field('license');
    this._submitting = true;
    this._error = null;
    try {
      const repo = await createRepository(field('owner') || null, {
        name: field('name'),
        description: field('description'),
        private: field('visibility') === 'private',
        // A licence is written in the first commit: choosing one initialises the repository.
        auto_init: data.get('auto_init') !== null || license !== '',
        license: license || undefined,
        default_branch: field('default_branch') || undefined,
      });
      router.navigate(`/${repo.full_name}`);
    } catch (err) {
      this._error = asApiError(err);
      await this.updateComplete;
      this.querySelector<HTMLElement>(`[name="${this._error.field ?? 'name'}"]`)?.focus();
    } finally {
      this._submitting = false;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-new-repo-page': FabNewRepoPage;
  }
}

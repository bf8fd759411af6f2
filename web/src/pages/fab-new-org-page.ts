import { html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { LightDomElement } from '../light-dom-element.js';
import { LocaleController, t } from '../i18n/index.js';
import '../i18n/areas/create.js';
import type { ApiError } from '../api/client.js';
import { createOrganization, type Visibility } from '../api/orgs.js';
import { apiErrorText, asApiError, formStyles, textField } from '../forms.js';
import { SessionController, signInHref } from '../session.js';
import { router } from '../routes.js';

const ERROR_ID = 'new-org-error';
const PATH = '/org/create';
const VISIBILITIES: readonly Visibility[] = ['public', 'limited', 'private'];

/** `/org/create`: a new organisation, whose Owners team starts with the signed-in account. */
@customElement('fab-new-org-page')
export class FabNewOrgPage extends LightDomElement {
  static override styles = formStyles;

  @state() private _submitting = false;
  @state() private _error: ApiError | null = null;

  private _locale = new LocaleController(this);
  private _session = new SessionController(this);

  protected override updated(): void {
    if (this._session.loaded && !this._session.user) router.navigate(signInHref(PATH), { replace: true });
  }

  override render() {
    return html`
      <h1>${t('newOrg.heading')}</h1>
      ${this._session.user
        ? html`<div class="fab-alert" role="alert" id=${ERROR_ID}>${this._error ? apiErrorText(this._error, { 409: 'newOrg.taken' }) : nothing}</div>
            <form class="fab-form" @submit=${this._submit}>
              ${textField({ id: 'new-org-name', name: 'username', label: 'newOrg.name', type: 'text', autocomplete: 'off', hint: 'newOrg.nameHint', invalid: this._error?.field === 'username', errorId: ERROR_ID })}
              ${textField({ id: 'new-org-full-name', name: 'full_name', label: 'newOrg.fullName', type: 'text', autocomplete: 'organization', required: false, invalid: false, errorId: ERROR_ID })}
              <div>
                <label for="new-org-description">${t('newOrg.description')}</label>
                <textarea id="new-org-description" name="description" rows="3" maxlength="255"></textarea>
              </div>
              <fieldset>
                <legend>${t('newOrg.visibility')}</legend>
                ${VISIBILITIES.map(
                  (v) => html`<div>
                    <input type="radio" id=${`new-org-${v}`} name="visibility" value=${v} ?checked=${v === 'public'} />
                    <label for=${`new-org-${v}`}>${t(`newOrg.visibility.${v}`)}</label>
                  </div>`,
                )}
              </fieldset>
              <button class="fab-button" type="submit" ?disabled=${this._submitting}>${this._submitting ? t('newOrg.submitting') : t('newOrg.submit')}</button>
            </form>`
        : html`<p role="status">${t('newRepo.loading')}</p>`}
    `;
  }

  private async _submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const field = (name: string) => String(data.get(name) ?? '').trim();
    this._submitting = true;
    this._error = null;
    try {
      const org = await createOrganization({
        username: field('username'),
        full_name: field('full_name'),
        description: field('description'),
        visibility: (field('visibility') || 'public') as Visibility,
      });
      router.navigate(`/org/${org.username}`);
    } catch (err) {
      this._error = asApiError(err);
      await this.updateComplete;
      this.querySelector<HTMLInputElement>('#new-org-name')?.focus();
    } finally {
      this._submitting = false;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-new-org-page': FabNewOrgPage;
  }
}

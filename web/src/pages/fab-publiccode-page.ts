import { css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { LightDomElement } from '../light-dom-element.js';
import { LocaleController, language, t } from '../i18n/index.js';
import '../i18n/areas/repoSettings.js';
import type { ApiError } from '../api/client.js';
import { getRepository } from '../api/repos.js';
import { getPubliccode } from '../api/catalogue.js';
import { describeSoftware, type PubliccodeForm, type PubliccodeWritten } from '../api/publiccode.js';
import { CATEGORIES, DEVELOPMENT_STATUSES, MAINTENANCE_TYPES, SOFTWARE_TYPES, categoryLabel } from '../../../contract/publiccode.js';
import { FRENCH_LICENCES } from '../../../contract/licences.js';
import { LANGUAGES, type Language } from '../../../contract/languages.js';
import { apiErrorText, asApiError, formStyles } from '../forms.js';
import { standardLabel } from '../fab-software-sheet.js';
import '../fab-repo-header.js';

const ERROR_ID = 'publiccode-error';
/** The platforms a public body's software usually runs on; the standard leaves the list open. */
const PLATFORMS = ['web', 'linux', 'windows', 'mac', 'android', 'ios'] as const;

/**
 * `/{owner}/{repo}/settings/publiccode`: "Describe this software" for a repository's writers. The
 * form sends its values; the forge writes publiccode.yml on the default branch, or proposes it
 * as a pull request when the branch is protected.
 */
@customElement('fab-publiccode-page')
export class FabPubliccodePage extends LightDomElement {
  static override styles = [
    formStyles,
    css`
      fab-publiccode-page .fab-form {
        max-width: 44rem;
      }
      fab-publiccode-page .fab-categories {
        max-height: 16rem;
        overflow-y: auto;
      }
      fab-publiccode-page .fab-columns {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(12rem, 1fr));
        gap: var(--fab-space-1) var(--fab-space-4);
      }
      fab-publiccode-page pre {
        overflow-x: auto;
        padding: var(--fab-space-3);
        background: var(--fab-surface);
        border-radius: var(--fab-radius);
      }
    `,
  ];

  @property() owner = '';
  @property() repo = '';

  @state() private _submitting = false;
  @state() private _error: ApiError | null = null;
  @state() private _written: PubliccodeWritten | null = null;
  @state() private _maintenance = 'internal';

  private _locale = new LocaleController(this);

  private _repository = new Task(this, {
    task: ([owner, repo], { signal }) => Promise.all([getRepository(owner, repo, signal), getPubliccode(owner, repo, signal)]),
    args: () => [this.owner, this.repo] as const,
  });

  override render() {
    const [repository, publiccode] = this._repository.value ?? [null, null];
    return html`
      <fab-repo-header .owner=${this.owner} .repo=${this.repo} tab="settings" .admin=${repository?.permissions.admin ?? false}></fab-repo-header>
      <h1>${t('publiccode.heading')}</h1>
      <p>${t('publiccode.intro')}</p>
      ${this._written
        ? this._renderWritten(this._written)
        : !repository || !publiccode
          ? html`<p role="status">${this._repository.error ? t('publiccode.loadFailed') : t('publiccode.loading')}</p>`
          : publiccode.present
            ? html`<p>${t('publiccode.exists')} <a href=${`/${this.owner}/${this.repo}/src/branch/${repository.default_branch}/publiccode.yml`}>publiccode.yml</a></p>`
            : !repository.permissions.push
              ? html`<p>${t('publiccode.writersOnly')}</p>`
              : this._renderForm(repository.name)}
    `;
  }

  private _renderWritten(written: PubliccodeWritten) {
    return html`<div role="status">
      ${written.pull
        ? html`<p class="fab-success">${t('publiccode.proposed', { number: written.pull.number })} <a href=${new URL(written.pull.html_url).pathname}>#${written.pull.number}</a></p>`
        : html`<p class="fab-success">
            ${t('publiccode.committed', { branch: written.branch })}
            <a href=${new URL(written.commit.html_url).pathname}>${written.commit.sha.slice(0, 10)}</a>
          </p>`}
      <h2>publiccode.yml</h2>
      <pre lang="en" tabindex="0" aria-label="publiccode.yml"><code>${written.content}</code></pre>
    </div>`;
  }

  private _renderDescription(lang: Language) {
    const id = (field: string) => `publiccode-${lang}-${field}`;
    const required = lang === 'fr';
    return html`<fieldset>
      <legend>${t(lang === 'fr' ? 'publiccode.inFrench' : 'publiccode.inEnglish')}</legend>
      ${required ? nothing : html`<span class="fab-hint">${t('publiccode.optionalLanguage')}</span>`}
      <div>
        <label for=${id('short')}>${t('publiccode.shortDescription')}</label>
        <span class="fab-hint" id=${`${id('short')}-hint`}>${t('publiccode.shortHint')}</span>
        <input id=${id('short')} name=${`${lang}.short`} lang=${lang} maxlength="150" ?required=${required} aria-describedby=${`${id('short')}-hint`} />
      </div>
      <div>
        <label for=${id('long')}>${t('publiccode.longDescription')}</label>
        <span class="fab-hint" id=${`${id('long')}-hint`}>${t('publiccode.longHint')}</span>
        <textarea id=${id('long')} name=${`${lang}.long`} lang=${lang} rows="5" ?required=${required} aria-describedby=${`${id('long')}-hint`}></textarea>
      </div>
      <div>
        <label for=${id('features')}>${t('publiccode.features')}</label>
        <span class="fab-hint" id=${`${id('features')}-hint`}>${t('publiccode.featuresHint')}</span>
        <textarea id=${id('features')} name=${`${lang}.features`} lang=${lang} rows="3" ?required=${required} aria-describedby=${`${id('features')}-hint`}></textarea>
      </div>
    </fieldset>`;
  }

  private _renderForm(name: string) {
    const categories = CATEGORIES.map((c) => ({ code: c.code, label: categoryLabel(c.code, language()) })).sort((a, b) => a.label.localeCompare(b.label, language()));
    return html`<div class="fab-alert" role="alert" tabindex="-1" id=${ERROR_ID}>${this._error ? apiErrorText(this._error, { 403: 'publiccode.forbidden' }) : nothing}</div>
      <form class="fab-form" @submit=${this._submit}>
        <div>
          <label for="publiccode-name">${t('publiccode.name')}</label>
          <input id="publiccode-name" name="name" .value=${name} required maxlength="255" />
        </div>
        ${LANGUAGES.map((lang) => this._renderDescription(lang))}
        <div>
          <label for="publiccode-status">${t('sheet.status')}</label>
          <select id="publiccode-status" name="developmentStatus">
            ${DEVELOPMENT_STATUSES.map((s) => html`<option value=${s} ?selected=${s === 'stable'}>${standardLabel(s)}</option>`)}
          </select>
        </div>
        <div>
          <label for="publiccode-type">${t('sheet.type')}</label>
          <select id="publiccode-type" name="softwareType">
            ${SOFTWARE_TYPES.map((s) => html`<option value=${s} ?selected=${s === 'standalone/web'}>${standardLabel(s)}</option>`)}
          </select>
        </div>
        <fieldset class="fab-categories">
          <legend>${t('publiccode.categories')}</legend>
          <div class="fab-columns">
            ${categories.map(
              (c) => html`<div class="fab-check"><input type="checkbox" id=${`publiccode-cat-${c.code}`} name="categories" value=${c.code} /><label for=${`publiccode-cat-${c.code}`}>${c.label}</label></div>`,
            )}
          </div>
        </fieldset>
        <div>
          <label for="publiccode-license">${t('publiccode.licence')}</label>
          <select id="publiccode-license" name="license">
            ${FRENCH_LICENCES.map((id) => html`<option value=${id}>${id}</option>`)}
          </select>
        </div>
        <div>
          <label for="publiccode-owner">${t('publiccode.copyrightOwner')}</label>
          <input id="publiccode-owner" name="mainCopyrightOwner" maxlength="255" />
        </div>
        <fieldset>
          <legend>${t('sheet.maintenance')}</legend>
          <div>
            <label for="publiccode-maintenance">${t('publiccode.maintenanceType')}</label>
            <select id="publiccode-maintenance" name="maintenance" @change=${(e: Event) => (this._maintenance = (e.target as HTMLSelectElement).value)}>
              ${MAINTENANCE_TYPES.map((m) => html`<option value=${m} ?selected=${m === this._maintenance}>${standardLabel(m)}</option>`)}
            </select>
          </div>
          ${this._renderPeople()}
        </fieldset>
        <fieldset>
          <legend>${t('sheet.platforms')}</legend>
          <div class="fab-columns">
            ${PLATFORMS.map((p) => html`<div class="fab-check"><input type="checkbox" id=${`publiccode-platform-${p}`} name="platforms" value=${p} ?checked=${p === 'web'} /><label for=${`publiccode-platform-${p}`}>${p}</label></div>`)}
          </div>
        </fieldset>
        <div>
          <label for="publiccode-languages">${t('publiccode.languages')}</label>
          <span class="fab-hint" id="publiccode-languages-hint">${t('publiccode.languagesHint')}</span>
          <input id="publiccode-languages" name="availableLanguages" value="fr" required aria-describedby="publiccode-languages-hint" />
        </div>
        <div class="fab-check">
          <input type="checkbox" id="publiccode-localisation" name="localisationReady" />
          <label for="publiccode-localisation">${t('publiccode.localisationReady')}</label>
        </div>
        <button class="fab-button" type="submit" ?disabled=${this._submitting}>${this._submitting ? t('publiccode.submitting') : t('publiccode.submit')}</button>
      </form>`;
  }

  /** The contact (internal or community maintenance) or the contractor (under contract) the standard asks for. */
  private _renderPeople() {
    if (this._maintenance === 'none') return nothing;
    const contract = this._maintenance === 'contract';
    return html`<div>
        <label for="publiccode-person">${t(contract ? 'publiccode.contractor' : 'publiccode.contact')}</label>
        <input id="publiccode-person" name="person" required maxlength="200" />
      </div>
      <div>
        <label for="publiccode-email">${t('publiccode.email')}</label>
        <input id="publiccode-email" name="email" type="email" maxlength="254" />
      </div>
      ${contract
        ? html`<div>
            <label for="publiccode-until">${t('publiccode.until')}</label>
            <input id="publiccode-until" name="until" type="date" required />
          </div>`
        : nothing}`;
  }

  /** The form's values as the API takes them. */
  private _formValue(data: FormData): PubliccodeForm {
    const field = (name: string) => String(data.get(name) ?? '').trim();
    const lines = (name: string) => field(name).split('\n').map((l) => l.trim()).filter(Boolean);
    const descriptions = LANGUAGES.filter((lang) => lang === 'fr' || field(`${lang}.short`) !== '').map((lang) => ({
      language: lang,
      shortDescription: field(`${lang}.short`),
      longDescription: field(`${lang}.long`),
      features: lines(`${lang}.features`),
    }));
    const type = field('maintenance');
    const person = field('person');
    const email = field('email') || undefined;
    return {
      name: field('name'),
      descriptions,
      developmentStatus: field('developmentStatus'),
      softwareType: field('softwareType'),
      categories: data.getAll('categories').map(String),
      license: field('license'),
      mainCopyrightOwner: field('mainCopyrightOwner') || undefined,
      maintenance: {
        type,
        contacts: type === 'internal' || type === 'community' ? [{ name: person, email }] : [],
        contractors: type === 'contract' ? [{ name: person, email, until: field('until') }] : [],
      },
      platforms: data.getAll('platforms').map(String),
      availableLanguages: field('availableLanguages').split(/[\s,]+/).filter(Boolean),
      localisationReady: data.get('localisationReady') !== null,
    };
  }

  private async _submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = this._formValue(new FormData(event.currentTarget as HTMLFormElement));
    this._submitting = true;
    this._error = null;
    try {
      this._written = await describeSoftware(this.owner, this.repo, form);
    } catch (err) {
      this._error = asApiError(err);
      await this.updateComplete;
      this.querySelector<HTMLElement>(`#${ERROR_ID}`)?.focus();
    } finally {
      this._submitting = false;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-publiccode-page': FabPubliccodePage;
  }
}

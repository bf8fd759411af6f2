import { css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { LightDomElement } from '../light-dom-element.js';
import { LocaleController, language, t } from '../i18n/index.js';
import { CATEGORIES, SOFTWARE_TYPES, categoryLabel } from '../../../contract/publiccode.js';
import '../i18n/areas/catalogue.js';
import { DEVELOPMENT_STATUSES, catalogueCsvUrl, catalogueQuery, getCatalogue, type CatalogueFilter, type CatalogueItem } from '../api/catalogue.js';
import { renderTask } from '../task-status.js';
import { router } from '../routes.js';
import { standardLabel } from '../fab-software-sheet.js';
import '../fab-pager.js';

const PAGE_SIZE = 20;
const FIELDS = ['q', 'organisation', 'status', 'license', 'category', 'type'] as const;

/** `/catalogue`: the forge's public software (valid publiccode.yml), filtered by `?q=&organisation=&status=&license=&category=&type=&page=`. */
@customElement('fab-catalogue-page')
export class FabCataloguePage extends LightDomElement {
  static override styles = css`
    fab-catalogue-page form {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem 1rem;
      align-items: end;
      margin-bottom: 1.5rem;
    }
    fab-catalogue-page form div {
      display: flex;
      flex-direction: column;
      gap: 0.25rem;
      max-width: 100%;
    }
    /* A long category label must not widen a phone page. */
    fab-catalogue-page select {
      max-width: 100%;
    }
    fab-catalogue-page input,
    fab-catalogue-page select,
    fab-catalogue-page button {
      font: inherit;
      padding: 0.375rem 0.5rem;
      color: var(--fab-text);
      background: var(--fab-bg);
      border: 1px solid var(--fab-border);
      border-radius: var(--fab-radius);
    }
    fab-catalogue-page button {
      color: var(--fab-on-accent);
      background: var(--fab-accent);
      border-color: var(--fab-accent);
      cursor: pointer;
    }
    fab-catalogue-page ul.fab-software {
      list-style: none;
      margin: 0;
      padding: 0;
    }
    fab-catalogue-page ul.fab-software > li {
      padding: 1rem 0;
      border-bottom: 1px solid var(--fab-border);
    }
    fab-catalogue-page ul.fab-software h3 {
      margin: 0 0 0.25rem;
      font-size: 1.125rem;
    }
    fab-catalogue-page ul.fab-software p {
      margin: 0 0 0.25rem;
    }
    fab-catalogue-page .fab-meta {
      color: var(--fab-muted);
    }
    fab-catalogue-page .fab-flag {
      font-weight: 600;
    }
  `;

  @property() query = '';
  @property() organisation = '';
  @property() status = '';
  @property() license = '';
  @property() category = '';
  @property() type = '';
  @property({ type: Number }) page = 1;

  private _locale = new LocaleController(this);

  private get _filter(): CatalogueFilter {
    // A status from the address that is none of the known ones filters nothing, rather than failing the page.
    const status = DEVELOPMENT_STATUSES.find((known) => known === this.status);
    const type = SOFTWARE_TYPES.find((known) => known === this.type);
    return { q: this.query, organisation: this.organisation, status, license: this.license, category: this.category, type };
  }

  private _results = new Task(this, {
    task: ([filter, page], { signal }) => getCatalogue({ ...filter, page, limit: PAGE_SIZE }, signal),
    args: () => [this._filter, this.page, language()] as const,
    argsEqual: (a, b) => JSON.stringify(a) === JSON.stringify(b),
  });

  private _onSubmit(event: SubmitEvent) {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const filter: Record<string, string> = {};
    for (const field of FIELDS) filter[field] = String(data.get(field) ?? '').trim();
    const search = catalogueQuery(filter);
    router.navigate(`/catalogue${search ? `?${search}` : ''}`);
  }

  override render() {
    return html`
      <h1>${t('catalogue.heading')}</h1>
      <p>${t('catalogue.intro')}</p>
      <form role="search" aria-label=${t('catalogue.filters')} @submit=${this._onSubmit}>
        <div>
          <label for="fab-catalogue-q">${t('catalogue.search')}</label>
          <input id="fab-catalogue-q" name="q" type="search" .value=${this.query} />
        </div>
        <div>
          <label for="fab-catalogue-organisation">${t('catalogue.organisation')}</label>
          <input id="fab-catalogue-organisation" name="organisation" .value=${this.organisation} />
        </div>
        <div>
          <label for="fab-catalogue-status">${t('catalogue.status')}</label>
          <select id="fab-catalogue-status" name="status">
            <option value="" ?selected=${this.status === ''}>${t('catalogue.any')}</option>
            ${DEVELOPMENT_STATUSES.map((s) => html`<option value=${s} ?selected=${this.status === s}>${standardLabel(s)}</option>`)}
          </select>
        </div>
        <div>
          <label for="fab-catalogue-license">${t('catalogue.licence')}</label>
          <input id="fab-catalogue-license" name="license" .value=${this.license} placeholder="EUPL-1.2" />
        </div>
        <div>
          <label for="fab-catalogue-category">${t('catalogue.category')}</label>
          <select id="fab-catalogue-category" name="category">
            <option value="" ?selected=${this.category === ''}>${t('catalogue.any')}</option>
            ${this._categoryOptions().map(([code, label]) => html`<option value=${code} ?selected=${this.category === code}>${label}</option>`)}
          </select>
        </div>
        <div>
          <label for="fab-catalogue-type">${t('catalogue.type')}</label>
          <select id="fab-catalogue-type" name="type">
            <option value="" ?selected=${this.type === ''}>${t('catalogue.any')}</option>
            ${SOFTWARE_TYPES.map((s) => html`<option value=${s} ?selected=${this.type === s}>${standardLabel(s)}</option>`)}
          </select>
        </div>
        <button type="submit">${t('catalogue.apply')}</button>
      </form>
      <p><a href=${catalogueCsvUrl(this._filter)} download>${t('catalogue.csv')}</a></p>
      <h2>${t('catalogue.results')}</h2>
      ${renderTask(this._results, (result) =>
        result.data.length === 0 && this.page === 1
          ? html`<p class="fab-empty">${t('catalogue.empty')}</p>`
          : html`<p role="status">${t('catalogue.count', { count: result.total })}</p>
              <ul class="fab-software">
                ${result.data.map((item) => this._renderItem(item))}
              </ul>
              <fab-pager .page=${this.page} .hasNext=${this.page * PAGE_SIZE < result.total}></fab-pager>`,
      )}
    `;
  }

  /** The official categories by label in the interface language; a category from the address outside the list stays choosable, as a topic. */
  private _categoryOptions(): [string, string][] {
    const options: [string, string][] = CATEGORIES.map((c) => [c.code, categoryLabel(c.code, language())]);
    if (this.category && !CATEGORIES.some((c) => c.code === this.category)) options.push([this.category, this.category]);
    return options.sort((a, b) => a[1].localeCompare(b[1], language()));
  }

  private _renderItem(item: CatalogueItem) {
    const { sheet, licence } = item;
    const categories = [...new Set([...sheet.categories, ...item.topics])].map((code) => categoryLabel(code, language()));
    return html`<li>
      <h3><a href=${`/${item.full_name}`}>${sheet.name}</a> <span class="fab-meta">${item.full_name}</span></h3>
      <p lang=${sheet.language}>${sheet.shortDescription}</p>
      <p class="fab-meta">
        ${standardLabel(sheet.developmentStatus)} · ${t('catalogue.licenceIs', { licence: sheet.license })}
        ${categories.length ? html` · ${categories.join(', ')}` : nothing}
      </p>
      ${licence.approved_in_france ? nothing : html`<p class="fab-flag">${t('sheet.notApproved')}</p>`}
      ${licence.mismatch ? html`<p class="fab-flag">${t('catalogue.mismatch', { detected: licence.detected ?? '' })}</p>` : nothing}
    </li>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-catalogue-page': FabCataloguePage;
  }
}

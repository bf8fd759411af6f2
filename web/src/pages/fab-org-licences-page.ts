import { css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { LightDomElement } from '../light-dom-element.js';
import { LocaleController, t } from '../i18n/index.js';
import '../i18n/areas/orgs.js';
import { getOrgLicences, type LicenceFlag, type OrgLicenceItem } from '../api/licences.js';
import { apiErrorText, asApiError } from '../forms.js';
import { FRENCH_LICENCES } from '../../../contract/licences.js';

const segments = (path: string) => path.split('/').map(encodeURIComponent).join('/');

/** The licence a new LICENSE file starts from: the declared one when it is on the French list, else the EUPL (the list's first). */
function licenceToAdd(item: OrgLicenceItem): string {
  return item.declared && (FRENCH_LICENCES as readonly string[]).includes(item.declared) ? item.declared : FRENCH_LICENCES[0];
}

/**
 * `/org/{org}/licences`: for an organisation's owners, every repository (private ones included) with
 * the licence its file carries and the one its publiccode.yml declares, what is wrong (none, a
 * mismatch, a licence off the French list) and a link to fix it: the publiccode.yml editor, or a new
 * LICENSE file with the licence's text (committed, or proposed as a pull request on a protected branch).
 */
@customElement('fab-org-licences-page')
export class FabOrgLicencesPage extends LightDomElement {
  static override styles = css`
    fab-org-licences-page ul.fab-licence-list {
      padding: 0;
      list-style: none;
    }
    fab-org-licences-page ul.fab-licence-list > li {
      padding: 0.75rem 0;
      border-bottom: 1px solid var(--fab-border);
    }
    fab-org-licences-page h2 {
      margin: 0 0 0.25rem;
      font-size: 1.125rem;
      overflow-wrap: anywhere;
    }
    fab-org-licences-page h2 .fab-badge {
      margin-left: 0.5rem;
    }
    fab-org-licences-page dl {
      display: grid;
      grid-template-columns: max-content 1fr;
      gap: 0.25rem 1rem;
      margin: 0.25rem 0;
    }
    fab-org-licences-page dd {
      margin: 0;
      overflow-wrap: anywhere;
    }
    fab-org-licences-page ul.fab-licence-flags {
      margin: 0.5rem 0;
      padding: 0;
      list-style: none;
    }
    fab-org-licences-page dt {
      color: var(--fab-muted);
    }
    fab-org-licences-page .fab-licence-fix {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem 1.5rem;
      margin: 0.25rem 0 0;
    }
    @media (max-width: 40rem) {
      fab-org-licences-page dl {
        grid-template-columns: 1fr;
      }
      fab-org-licences-page dt {
        font-weight: 600;
      }
      fab-org-licences-page dd {
        margin-bottom: 0.25rem;
      }
    }
  `;

  @property() org = '';

  private _locale = new LocaleController(this);

  private _licences = new Task(this, {
    task: ([org], { signal }) => getOrgLicences(org, signal),
    args: () => [this.org] as const,
  });

  override render() {
    return html`<h1>${t('orgLicences.heading', { org: this.org })}</h1>
      <p>${t('orgLicences.intro')}</p>
      ${this._licences.render({
        pending: () => html`<p role="status">${t('org.loading')}</p>`,
        error: (err) => html`<div class="fab-alert" role="alert">${apiErrorText(asApiError(err), { 403: 'orgLicences.ownersOnly', 404: 'org.notFound' })}</div>`,
        complete: (items) => this._renderList(items),
      })}`;
  }

  private _renderList(items: OrgLicenceItem[]) {
    if (items.length === 0) return html`<p>${t('org.noRepositories')}</p>`;
    const flagged = items.filter((item) => item.flags.length > 0).length;
    return html`<p role="status">${t('orgLicences.summary', { count: items.length, flagged })}</p>
      <ul class="fab-licence-list">
        ${items.map((item) => this._renderItem(item))}
      </ul>`;
  }

  private _renderItem(item: OrgLicenceItem) {
    const home = `/${segments(item.full_name)}`;
    return html`<li>
      <h2><a href=${home}>${item.name}</a>${item.private ? html`<span class="fab-badge">${t('org.private')}</span>` : nothing}</h2>
      <dl>
        <dt>${item.file ? t('orgLicences.detectedIn', { file: item.file }) : t('orgLicences.detected')}</dt>
        <dd>${item.detected ?? (item.file ? t('orgLicences.unrecognised') : t('orgLicences.noFile'))}</dd>
        <dt>${t('orgLicences.declared')}</dt>
        <dd>${item.declared ?? t('orgLicences.notDeclared')}</dd>
      </dl>
      ${item.flags.length === 0
        ? html`<p class="fab-note fab-success">${t('orgLicences.fine')}</p>`
        : html`<ul class="fab-licence-flags">
            ${item.flags.map((flag) => html`<li class=${flag === 'none' ? 'fab-note fab-alert' : 'fab-note fab-warning'}>${this._flagText(flag, item)}</li>`)}
          </ul>`}
      ${item.flags.length > 0 ? this._renderFixes(item, home) : nothing}
    </li>`;
  }

  private _flagText(flag: LicenceFlag, item: OrgLicenceItem): string {
    if (flag === 'none') return t('orgLicences.flagNone');
    if (flag === 'mismatch') return t('orgLicences.flagMismatch', { detected: item.detected ?? '', declared: item.declared ?? '' });
    const outside = [item.declared, item.detected].filter((id): id is string => id !== null && !(FRENCH_LICENCES as readonly string[]).includes(id));
    return t('orgLicences.flagOutside', { licence: outside.join(', ') || (item.declared ?? item.detected ?? '') });
  }

  private _renderFixes(item: OrgLicenceItem, home: string) {
    if (item.empty) return html`<p>${t('orgLicences.emptyRepo')}</p>`;
    const branch = segments(item.default_branch);
    const addLicence = !item.detected && !item.file;
    return html`<p class="fab-licence-fix">
      <a href=${`${home}/-/publiccode`}>${t('orgLicences.fixPubliccode', { name: item.name })}</a>
      ${addLicence
        ? html`<a href=${`${home}/_new/${branch}?licence=${encodeURIComponent(licenceToAdd(item))}`}>${t('orgLicences.addLicence', { name: item.name, licence: licenceToAdd(item) })}</a>`
        : item.file
          ? html`<a href=${`${home}/_edit/${branch}/${segments(item.file)}`}>${t('orgLicences.editLicence', { name: item.name, file: item.file })}</a>`
          : nothing}
    </p>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-org-licences-page': FabOrgLicencesPage;
  }
}

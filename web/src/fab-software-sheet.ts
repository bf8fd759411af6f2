import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { LocaleController, language, t, type MessageKey } from './i18n/index.js';
import './i18n/areas/catalogue.js';
import { getLicence, getPubliccode, type Licence, type Publiccode, type SheetPerson, type SoftwareSheet } from './api/catalogue.js';

const VALUE_LABELS: Record<string, MessageKey> = {
  concept: 'sheet.status.concept',
  development: 'sheet.status.development',
  beta: 'sheet.status.beta',
  stable: 'sheet.status.stable',
  obsolete: 'sheet.status.obsolete',
  'standalone/mobile': 'sheet.type.mobile',
  'standalone/iot': 'sheet.type.iot',
  'standalone/desktop': 'sheet.type.desktop',
  'standalone/web': 'sheet.type.web',
  'standalone/backend': 'sheet.type.backend',
  'standalone/other': 'sheet.type.other',
  addon: 'sheet.type.addon',
  library: 'sheet.type.library',
  configurationFiles: 'sheet.type.configurationFiles',
  internal: 'sheet.maintenance.internal',
  contract: 'sheet.maintenance.contract',
  community: 'sheet.maintenance.community',
  none: 'sheet.maintenance.none',
};

/** A value of the standard (development status, software type, maintenance) in the interface language. */
export function standardLabel(value: string): string {
  const key = VALUE_LABELS[value];
  return key ? t(key) : value;
}

/** The software sheet of a repository's publiccode.yml, its problems for maintainers, and its licence. */
@customElement('fab-software-sheet')
export class FabSoftwareSheet extends LitElement {
  static override styles = css`
    :host {
      display: block;
    }
    section {
      margin: 0 0 1.5rem;
      padding: 1rem 1.25rem;
      border: 1px solid var(--fab-border);
      border-radius: var(--fab-radius);
    }
    h2 {
      margin: 0 0 0.5rem;
      font-size: 1.25rem;
    }
    h3 {
      margin: 1rem 0 0.25rem;
      font-size: 1rem;
    }
    .fab-short {
      margin: 0 0 0.75rem;
      font-size: 1.125rem;
    }
    dl {
      display: grid;
      grid-template-columns: max-content minmax(0, 1fr);
      gap: 0.25rem 1rem;
      margin: 0.75rem 0 0;
    }
    dt {
      font-weight: 600;
    }
    dd {
      margin: 0;
      overflow-wrap: anywhere;
    }
    /* On a phone a label sits above its value: a long label and a URL side by side widened the page. */
    @media (max-width: 30rem) {
      dl {
        grid-template-columns: minmax(0, 1fr);
      }
    }
    ul {
      margin: 0;
      padding-left: 1.25rem;
    }
    .fab-warning {
      padding: 0.5rem 0.75rem;
      border-left: 4px solid var(--fab-warning, #8a5a00);
      background: var(--fab-surface);
    }
    a {
      color: var(--fab-link, var(--fab-accent));
    }
  `;

  @property() owner = '';
  @property() repo = '';

  private _locale = new LocaleController(this);

  private _data = new Task(this, {
    task: async ([owner, repo], { signal }): Promise<[Publiccode, Licence]> =>
      Promise.all([getPubliccode(owner, repo, signal), getLicence(owner, repo, signal)]),
    // The sheet is in the interface language: asked again when it changes.
    args: () => [this.owner, this.repo, language()] as const,
  });

  override render() {
    return this._data.render({
      complete: ([publiccode, licence]) => html`${this._renderSheet(publiccode, licence)}${this._renderProblems(publiccode)}`,
      error: () => nothing,
    });
  }

  private _renderSheet(publiccode: Publiccode, licence: Licence) {
    const sheet = publiccode.sheet;
    if (!sheet) return this._renderLicenceOnly(licence);
    return html`
      <section aria-labelledby="sheet-heading" lang=${sheet.language}>
        <h2 id="sheet-heading">${t('sheet.heading', { name: sheet.name })}</h2>
        <p class="fab-short">${sheet.shortDescription}</p>
        ${sheet.longDescription ? html`<p>${sheet.longDescription}</p>` : nothing}
        ${sheet.features.length
          ? html`<h3>${t('sheet.features')}</h3>
              <ul>
                ${sheet.features.map((f) => html`<li>${f}</li>`)}
              </ul>`
          : nothing}
        <dl lang=${document.documentElement.lang}>
          <dt>${t('sheet.status')}</dt>
          <dd>${standardLabel(sheet.developmentStatus)}</dd>
          <dt>${t('sheet.type')}</dt>
          <dd>${standardLabel(sheet.softwareType)}</dd>
          ${sheet.softwareVersion ? html`<dt>${t('sheet.version')}</dt><dd>${sheet.softwareVersion}</dd>` : nothing}
          <dt>${t('sheet.licence')}</dt>
          <dd>${this._renderLicence(licence)}</dd>
          <dt>${t('sheet.maintenance')}</dt>
          <dd>${standardLabel(sheet.maintenance.type)}${this._renderPeople(sheet)}</dd>
          <dt>${t('sheet.platforms')}</dt>
          <dd>${sheet.platforms.join(', ')}</dd>
          <dt>${t('sheet.languages')}</dt>
          <dd>${sheet.availableLanguages.join(', ')}</dd>
          ${sheet.categories.length ? html`<dt>${t('sheet.categories')}</dt><dd>${sheet.categories.join(', ')}</dd>` : nothing}
          ${sheet.landingURL
            ? html`<dt>${t('sheet.website')}</dt>
                <dd><a href=${sheet.landingURL} rel="external nofollow noopener">${sheet.landingURL}</a></dd>`
            : nothing}
        </dl>
      </section>
    `;
  }

  private _renderPeople(sheet: SoftwareSheet) {
    const people: SheetPerson[] = [...sheet.maintenance.contacts, ...sheet.maintenance.contractors];
    if (people.length === 0) return nothing;
    return html`<ul>
      ${people.map(
        (p) => html`<li>
          ${p.name}${p.affiliation ? ` (${p.affiliation})` : ''}${p.email ? html` — <a href=${`mailto:${p.email}`}>${p.email}</a>` : nothing}
          ${p.until ? ` — ${t('sheet.until', { date: p.until })}` : ''}
        </li>`,
      )}
    </ul>`;
  }

  private _renderLicence(licence: Licence) {
    const shown = licence.declared ?? licence.detected ?? t('sheet.noLicence');
    return html`${shown}
      ${licence.mismatch
        ? html`<p class="fab-warning" role="note">${t('sheet.mismatch', { file: licence.file ?? '', detected: licence.detected ?? '', declared: licence.declared ?? '' })}</p>`
        : nothing}
      ${licence.approved_in_france ? nothing : html`<p class="fab-warning" role="note">${t('sheet.notApproved')}</p>`}`;
  }

  /** Without a software sheet, only a licence that needs attention is worth a box. */
  private _renderLicenceOnly(licence: Licence) {
    if (!licence.mismatch && (licence.approved_in_france || (licence.detected === null && licence.declared === null))) return nothing;
    return html`<section aria-labelledby="sheet-licence-heading">
      <h2 id="sheet-licence-heading">${t('sheet.licence')}</h2>
      ${this._renderLicence(licence)}
    </section>`;
  }

  private _renderProblems(publiccode: Publiccode) {
    // Only writers get `problems`: they may describe a software that has no publiccode.yml yet.
    if (!publiccode.present && publiccode.problems) {
      return html`<p><a href=${`/${this.owner}/${this.repo}/settings/publiccode`}>${t('publiccode.describe')}</a></p>`;
    }
    if (!publiccode.present || (publiccode.valid && !publiccode.problems?.length)) return nothing;
    if (!publiccode.problems) return publiccode.valid ? nothing : html`<p class="fab-warning" role="note">${t('sheet.invalid')}</p>`;
    return html`<section aria-labelledby="sheet-problems-heading">
      <h2 id="sheet-problems-heading">${t('sheet.problemsHeading')}</h2>
      <p>${publiccode.valid ? t('sheet.warningsIntro') : t('sheet.problemsIntro')}</p>
      <ul>
        ${publiccode.problems.map(
          (p) => html`<li>${t(p.severity === 'error' ? 'sheet.problemError' : 'sheet.problemWarning', { line: p.line })} <span lang="en">${p.message}</span></li>`,
        )}
      </ul>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-software-sheet': FabSoftwareSheet;
  }
}

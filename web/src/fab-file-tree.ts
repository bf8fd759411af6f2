import { css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { LightDomElement } from './light-dom-element.js';
import { LocaleController, t } from './i18n/index.js';
import './i18n/areas/browse.js';
import type { Tree, TreeEntry } from './api/browse.js';
import { RepoLinks } from './browse-links.js';
import './fab-relative-time.js';

// Octicons-like outlines drawn with one path each: emoji fonts are missing on many systems.
const ICON_PATHS: Record<TreeEntry['type'], string> = {
  dir: 'M1.5 3.5h4l1.5 1.5h7.5v8h-13z',
  file: 'M3.5 1.5h6l3 3v10h-9z M9.5 1.5v3h3',
  symlink: 'M3.5 1.5h6l3 3v10h-9z M6 11l4-4 M7 7h3v3',
  submodule: 'M2 4.5h12v9h-12z M2 4.5l2-3h8l2 3',
};
const icon = (type: TreeEntry['type']) =>
  html`<svg class="fab-icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false"><path d=${ICON_PATHS[type]} /></svg>`;

/** A folder's entries with, for each, the message and age of the last commit that changed it. */
@customElement('fab-file-tree')
export class FabFileTree extends LightDomElement {
  static override styles = css`
    fab-file-tree table {
      width: 100%;
      border-collapse: collapse;
      border: 1px solid var(--fab-border);
    }
    fab-file-tree caption {
      padding: 0.5rem 0.75rem;
      text-align: left;
      font-weight: 600;
      background: var(--fab-surface);
      border: 1px solid var(--fab-border);
      border-bottom: 0;
    }
    fab-file-tree th,
    fab-file-tree td {
      padding: 0.375rem 0.75rem;
      text-align: left;
      border-top: 1px solid var(--fab-border);
      vertical-align: top;
    }
    fab-file-tree thead th {
      font-size: 0.875rem;
      color: var(--fab-muted);
    }
    fab-file-tree .fab-commit a {
      color: var(--fab-muted);
    }
    fab-file-tree .fab-age {
      white-space: nowrap;
      color: var(--fab-muted);
      text-align: right;
    }
    /* On a phone the age may wrap: unbroken, "il y a 7 secondes" pushed the table past the screen. */
    @media (max-width: 30rem) {
      fab-file-tree .fab-age {
        white-space: normal;
      }
    }
    fab-file-tree .fab-icon {
      margin-right: 0.375rem;
      vertical-align: -0.125em;
      fill: none;
      stroke: var(--fab-muted);
      stroke-width: 1.25;
    }
  `;

  @property() owner = '';
  @property() repo = '';
  @property({ attribute: false }) tree: Tree | null = null;

  private _locale = new LocaleController(this);

  override render() {
    const tree = this.tree;
    if (!tree) return html``;
    const links = new RepoLinks(this.owner, this.repo);
    const { kind, name } = tree.ref;
    const parent = tree.path.includes('/') ? tree.path.slice(0, tree.path.lastIndexOf('/')) : '';
    const href = (entry: TreeEntry) => (entry.type === 'submodule' ? null : links.src(kind, name, entry.path));
    return html`
      <table>
        <caption>
          ${t('tree.caption', { path: tree.path ? `/${tree.path}` : `${this.owner}/${this.repo}` })}
        </caption>
        <thead>
          <tr>
            <th scope="col">${t('tree.name')}</th>
            <th scope="col">${t('tree.lastCommit')}</th>
            <th scope="col" class="fab-age">${t('tree.age')}</th>
          </tr>
        </thead>
        <tbody>
          ${tree.path
            ? html`<tr>
                <td colspan="3"><a href=${links.src(kind, name, parent)}><span class="fab-icon" aria-hidden="true">↩</span>${t('tree.parent')}</a></td>
              </tr>`
            : ''}
          ${tree.entries.length === 0
            ? html`<tr>
                <td colspan="3">${t('tree.empty')}</td>
              </tr>`
            : ''}
          ${tree.entries.map((entry) => {
            const target = href(entry);
            const label = html`${icon(entry.type)}<span class="visually-hidden">${t(`tree.${entry.type}`)} </span>${entry.name}`;
            return html`<tr>
              <th scope="row">${target ? html`<a href=${target}>${label}</a>` : label}</th>
              <td class="fab-commit">${entry.last_commit ? html`<a href=${links.commit(entry.last_commit.sha)}>${entry.last_commit.summary}</a>` : ''}</td>
              <td class="fab-age">${entry.last_commit ? html`<fab-relative-time .datetime=${entry.last_commit.date}></fab-relative-time>` : ''}</td>
            </tr>`;
          })}
        </tbody>
      </table>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-file-tree': FabFileTree;
  }
}

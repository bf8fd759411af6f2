import { css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { LightDomElement } from './light-dom-element.js';
import { LocaleController, t } from './i18n/index.js';
import type { Repository } from './api/browse.js';
import { RepoLinks } from './browse-links.js';
import './fab-relative-time.js';

/** A list of repositories: name, description, badges (private, archived, fork and its parent) and last update. */
@customElement('fab-repo-list')
export class FabRepoList extends LightDomElement {
  static override styles = css`
    fab-repo-list ul {
      margin: 0;
      padding: 0;
      list-style: none;
    }
    fab-repo-list li {
      padding: 0.75rem 0;
      border-bottom: 1px solid var(--fab-border);
    }
    fab-repo-list h3 {
      display: inline;
      overflow-wrap: anywhere;
      margin: 0 0.5rem 0 0;
      font-size: 1.125rem;
    }
    fab-repo-list p {
      margin: 0.25rem 0 0;
    }
    fab-repo-list .fab-meta {
      color: var(--fab-muted);
      font-size: 0.875rem;
    }
    fab-repo-list .fab-badge {
      padding: 0 0.4rem;
      font-size: 0.8125rem;
      border: 1px solid var(--fab-border);
      border-radius: var(--fab-radius);
    }
  `;

  @property({ attribute: false }) repositories: readonly Repository[] = [];
  /** Leaves out "forked from": on a project's forks page every entry has the same parent. */
  @property({ type: Boolean }) hideParent = false;

  private _locale = new LocaleController(this);

  override render() {
    return html`
      <ul>
        ${this.repositories.map(
          (repo) => html`<li>
            <h3><a href=${new RepoLinks(repo.owner.login, repo.name).home}>${repo.owner.login}/${repo.name}</a></h3>
            ${repo.private ? html`<span class="fab-badge">${t('browse.private')}</span>` : ''}
            ${repo.archived ? html`<span class="fab-badge">${t('browse.archived')}</span>` : ''}
            ${repo.fork ? html`<span class="fab-badge">${t('visitor.forkBadge')}</span>` : ''}
            ${repo.fork && repo.parent?.full_name && !this.hideParent
              ? html`<p class="fab-meta">${t('visitor.forkedFrom')} <a href=${`/${repo.parent.full_name}`}>${repo.parent.full_name}</a></p>`
              : ''}
            ${repo.description ? html`<p>${repo.description}</p>` : ''}
            <p class="fab-meta">${t('browse.updated')} <fab-relative-time .datetime=${repo.updated_at}></fab-relative-time></p>
          </li>`,
        )}
      </ul>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-repo-list': FabRepoList;
  }
}

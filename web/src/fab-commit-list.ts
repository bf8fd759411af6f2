import { css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { LightDomElement } from './light-dom-element.js';
import { LocaleController, t } from './i18n/index.js';
import './i18n/areas/browse.js';
import type { Commit } from './api/browse.js';
import { RepoLinks, shortSha, summaryOf } from './browse-links.js';
import './fab-relative-time.js';
import './fab-commit-status.js';
import { getCommitStates, type CommitStates } from './api/statuses.js';

/** Commits as a history lists them: message, author, age, id, and a link to the files at that commit. */
@customElement('fab-commit-list')
export class FabCommitList extends LightDomElement {
  static override styles = css`
    fab-commit-list ol {
      margin: 0;
      padding: 0;
      list-style: none;
      border: 1px solid var(--fab-border);
      border-radius: var(--fab-radius);
    }
    fab-commit-list li {
      display: flex;
      flex-wrap: wrap;
      justify-content: space-between;
      gap: 0.25rem 1rem;
      padding: 0.5rem 0.75rem;
    }
    fab-commit-list li + li {
      border-top: 1px solid var(--fab-border);
    }
    fab-commit-list .fab-message {
      margin: 0;
      font-weight: 600;
    }
    fab-commit-list .fab-by {
      margin: 0;
      color: var(--fab-muted);
      font-size: 0.875rem;
    }
    fab-commit-list .fab-ids {
      display: flex;
      gap: 0.75rem;
      align-items: center;
      font: 0.875rem var(--fab-mono);
    }
  `;

  @property() owner = '';
  @property() repo = '';
  @property({ attribute: false }) commits: readonly Commit[] = [];

  /** The combined state of each listed commit that has statuses, read once the commits are known. */
  @state() private _states: CommitStates = {};

  private _locale = new LocaleController(this);

  override willUpdate(changed: Map<PropertyKey, unknown>) {
    if (!changed.has('commits') && !changed.has('owner') && !changed.has('repo')) return;
    const shas = this.commits.map((c) => c.sha);
    // A history without statuses shows no icon: a failed read loses nothing else.
    getCommitStates(this.owner, this.repo, shas).then(
      (states) => {
        if (this.commits.map((c) => c.sha).join() === shas.join()) this._states = states;
      },
      () => undefined,
    );
  }

  override render() {
    const links = new RepoLinks(this.owner, this.repo);
    return html`
      <ol>
        ${this.commits.map(
          (commit) => html`<li>
            <div>
              <p class="fab-message"><a href=${links.commit(commit.sha)}>${summaryOf(commit.commit.message)}</a></p>
              <p class="fab-by">
                ${commit.commit.author.name},
                <fab-relative-time .datetime=${commit.commit.author.date}></fab-relative-time>
              </p>
            </div>
            <div class="fab-ids">
              <fab-commit-status .state=${this._states[commit.sha]?.state ?? null}></fab-commit-status>
              <a href=${links.commit(commit.sha)}>${shortSha(commit.sha)}</a>
              <a href=${links.src('commit', commit.sha)} aria-label=${t('commits.browse', { sha: shortSha(commit.sha) })}>&lt;/&gt;</a>
            </div>
          </li>`,
        )}
      </ol>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-commit-list': FabCommitList;
  }
}

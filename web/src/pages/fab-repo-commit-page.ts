import { css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { LightDomElement } from '../light-dom-element.js';
import { LocaleController, t } from '../i18n/index.js';
import '../i18n/areas/browse.js';
import { getCommitDiff, type Commit, type Diff } from '../api/browse.js';
import { RepoLinks, fullDate, shortSha, summaryOf } from '../browse-links.js';
import { renderTask } from '../task-status.js';
import '../fab-repo-header.js';
import '../fab-diff-view.js';
import '../fab-commit-status.js';
import { getCommitStates, type CommitStates } from '../api/statuses.js';

/** `/{owner}/{repo}/commit/{sha}`: message, author, parents and the diff against the first parent. */
@customElement('fab-repo-commit-page')
export class FabRepoCommitPage extends LightDomElement {
  static override styles = css`
    fab-repo-commit-page .fab-commit-message {
      margin: 0 0 1rem;
      padding: 0.75rem 1rem;
      background: var(--fab-surface);
      border: 1px solid var(--fab-border);
      border-radius: var(--fab-radius);
    }
    fab-repo-commit-page .fab-commit-message p {
      margin: 0;
      font-weight: 600;
    }
    fab-repo-commit-page .fab-commit-message pre {
      margin: 0.5rem 0 0;
      white-space: pre-wrap;
      font-family: inherit;
    }
    fab-repo-commit-page dl {
      display: grid;
      grid-template-columns: max-content 1fr;
      gap: 0.25rem 1rem;
    }
    fab-repo-commit-page dt {
      font-weight: 600;
    }
    fab-repo-commit-page dd {
      margin: 0;
    }
    fab-repo-commit-page .fab-sha {
      font-family: var(--fab-mono);
    }
    fab-repo-commit-page h2 {
      font-size: 1.25rem;
    }
  `;

  @property() owner = '';
  @property() repo = '';
  @property() sha = '';

  private _locale = new LocaleController(this);

  private _commit = new Task(this, {
    task: ([owner, repo, sha], { signal }) => getCommitDiff(owner, repo, sha, 0, signal),
    args: () => [this.owner, this.repo, this.sha] as const,
  });

  /** The commit's combined check state, once its full id is known. */
  private _states = new Task(this, {
    task: ([owner, repo, sha], { signal }): Promise<CommitStates> => (sha ? getCommitStates(owner, repo, [sha], signal) : Promise.resolve({})),
    args: () => [this.owner, this.repo, this._commit.value?.commit.sha ?? ''] as const,
  });

  override render() {
    return html`
      <fab-repo-header .owner=${this.owner} .repo=${this.repo} tab="commits" kind="commit" .ref=${this.sha}></fab-repo-header>
      <h1>${t('commit.heading', { sha: shortSha(this.sha) })}</h1>
      ${renderTask(this._commit, ({ commit, diff }) => this._renderCommit(commit, diff))}
    `;
  }

  private _renderCommit(commit: Commit, diff: Diff) {
    const links = new RepoLinks(this.owner, this.repo);
    const message = commit.commit.message.trim();
    const body = message.slice(summaryOf(message).length).trim();
    const load = (offset: number, signal: AbortSignal) => getCommitDiff(this.owner, this.repo, commit.sha, offset, signal).then((r) => r.diff);
    return html`
      <div class="fab-commit-message">
        <p>${summaryOf(message)}</p>
        ${body ? html`<pre>${body}</pre>` : ''}
      </div>
      <dl>
        <dt>${t('commit.author')}</dt>
        <dd>${commit.commit.author.name}</dd>
        <dt>${t('commit.date')}</dt>
        <dd><time datetime=${commit.commit.author.date}>${fullDate(commit.commit.author.date)}</time></dd>
        <dt>${t('commit.parents')}</dt>
        <dd class="fab-sha">
          ${commit.parents.length === 0
            ? t('commit.root')
            : commit.parents.map((parent, index) => html`${index ? ', ' : ''}<a href=${links.commit(parent.sha)}>${shortSha(parent.sha)}</a>`)}
        </dd>
        <dt>${t('commit.sha')}</dt>
        <dd class="fab-sha">${commit.sha}</dd>
        ${this._states.value?.[commit.sha]
          ? html`<dt>${t('status.heading')}</dt>
              <dd><fab-commit-status .state=${this._states.value[commit.sha].state}></fab-commit-status> ${t(`status.${this._states.value[commit.sha].state}`)}</dd>`
          : ''}
      </dl>
      <p><a href=${links.src('commit', commit.sha)}>${t('commit.browse')}</a></p>
      <h2>${t('commit.changes')}</h2>
      <fab-diff-view .diff=${diff} .loadFrom=${load}></fab-diff-view>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-repo-commit-page': FabRepoCommitPage;
  }
}

import { css, html, unsafeCSS } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { LightDomElement } from '../light-dom-element.js';
import { LocaleController, t } from '../i18n/index.js';
import { archiveUrl, getRepository, listBranches } from '../api/browse.js';
import { RepoLinks, summaryOf } from '../browse-links.js';
import { renderTask } from '../task-status.js';
import '../fab-repo-header.js';
import '../fab-relative-time.js';
import '../fab-commit-status.js';
import { getCommitStates } from '../api/statuses.js';

/** Styles shared by the branches and tags lists. */
export const refListStyles = (tagName: string) => {
  const tag = unsafeCSS(tagName);
  return css`
  ${tag} ul.fab-refs {
    margin: 0;
    padding: 0;
    list-style: none;
    border: 1px solid var(--fab-border);
    border-radius: var(--fab-radius);
  }
  ${tag} ul.fab-refs > li {
    display: flex;
    flex-wrap: wrap;
    justify-content: space-between;
    gap: 0.25rem 1rem;
    padding: 0.5rem 0.75rem;
  }
  ${tag} ul.fab-refs > li + li {
    border-top: 1px solid var(--fab-border);
  }
  ${tag} .fab-ref-name {
    margin: 0;
    font: 600 1rem var(--fab-mono);
  }
  ${tag} .fab-ref-commit {
    margin: 0;
    color: var(--fab-muted);
    font-size: 0.875rem;
  }
  ${tag} .fab-ref-actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.75rem;
    align-items: center;
    font-size: 0.875rem;
  }
  ${tag} .fab-badge {
    margin-left: 0.5rem;
    padding: 0 0.4rem;
    font: 0.8125rem var(--fab-font);
    border: 1px solid var(--fab-border);
    border-radius: var(--fab-radius);
  }
`;
};

/** `/{owner}/{repo}/branches`: each branch with its last commit, a compare link and archives. */
@customElement('fab-repo-branches-page')
export class FabRepoBranchesPage extends LightDomElement {
  static override styles = refListStyles('fab-repo-branches-page');

  @property() owner = '';
  @property() repo = '';

  private _locale = new LocaleController(this);

  private _branches = new Task(this, {
    task: async ([owner, repo], { signal }) => {
      const [repository, branches] = await Promise.all([getRepository(owner, repo, signal), listBranches(owner, repo, signal)]);
      const states = await getCommitStates(owner, repo, branches.map((b) => b.commit.id), signal);
      return { defaultBranch: repository.default_branch, branches, states };
    },
    args: () => [this.owner, this.repo] as const,
  });

  override render() {
    const links = new RepoLinks(this.owner, this.repo);
    return html`
      <fab-repo-header .owner=${this.owner} .repo=${this.repo} tab="branches"></fab-repo-header>
      <h1>${t('repo.branches')}</h1>
      ${renderTask(this._branches, ({ defaultBranch, branches, states }) =>
        branches.length === 0
          ? html`<p>${t('branches.empty')}</p>`
          : html`<ul class="fab-refs">
              ${branches.map(
                (branch) => html`<li>
                  <div>
                    <p class="fab-ref-name">
                      <a href=${links.src('branch', branch.name)}>${branch.name}</a>${branch.name === defaultBranch
                        ? html`<span class="fab-badge">${t('branches.default')}</span>`
                        : ''}
                    </p>
                    <p class="fab-ref-commit">
                      <fab-commit-status .state=${states[branch.commit.id]?.state ?? null}></fab-commit-status>
                      <a href=${links.commit(branch.commit.id)}>${summaryOf(branch.commit.message)}</a> —
                      ${branch.commit.author.name}, <fab-relative-time .datetime=${branch.commit.timestamp}></fab-relative-time>
                    </p>
                  </div>
                  <div class="fab-ref-actions">
                    ${branch.name === defaultBranch
                      ? ''
                      : html`<a href=${links.compare(defaultBranch, branch.name)}>${t('branches.compare', { branch: defaultBranch })}</a>`}
                    <a href=${archiveUrl(this.owner, this.repo, branch.name, 'zip')} download>${t('repo.archiveZip', { ref: branch.name })}</a>
                    <a href=${archiveUrl(this.owner, this.repo, branch.name, 'tar.gz')} download>${t('repo.archiveTarGz', { ref: branch.name })}</a>
                  </div>
                </li>`,
              )}
            </ul>`,
      )}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-repo-branches-page': FabRepoBranchesPage;
  }
}

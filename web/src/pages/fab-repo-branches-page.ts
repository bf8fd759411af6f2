import { css, html, unsafeCSS } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { LightDomElement } from '../light-dom-element.js';
import { LocaleController, t } from '../i18n/index.js';
import '../i18n/areas/browse.js';
import '../i18n/areas/pulls.js';
import { archiveUrl, deleteBranch, getBranchOverview, getRepository } from '../api/browse.js';
import { ApiError } from '../api/client.js';
import { RepoLinks, summaryOf } from '../browse-links.js';
import { renderTask } from '../task-status.js';
import '../fab-repo-header.js';
import '../fab-relative-time.js';
import '../fab-commit-status.js';
import '../fab-pager.js';
import { getCommitStates } from '../api/statuses.js';
import { getUpstream, listUpstreamPulls, makeWorkingFork, proposeUpstream, syncFromUpstream } from '../api/federation.js';

/** Branches per page: Gitea's largest page. */
const PAGE_SIZE = 50;

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
  ${tag} .fab-ref-count {
    margin: 0 0 0.5rem;
    color: var(--fab-muted);
  }
  ${tag} .fab-ahead-behind {
    display: inline-flex;
    gap: 0.5rem;
    font-size: 0.8125rem;
    color: var(--fab-muted);
    white-space: nowrap;
  }
  ${tag} .fab-ref-actions button {
    font: inherit;
    padding: 0.125rem 0.5rem;
    color: var(--fab-danger, var(--fab-text));
    background: var(--fab-bg);
    border: 1px solid currentColor;
    border-radius: var(--fab-radius);
    cursor: pointer;
  }
  ${tag} dialog {
    max-width: min(32rem, calc(100vw - 2rem));
    color: var(--fab-text);
    background: var(--fab-bg);
    border: 1px solid var(--fab-border);
    border-radius: var(--fab-radius);
  }
  ${tag} dialog form {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    justify-content: flex-end;
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

/**
 * `/{owner}/{repo}/branches?page=`: the default branch first, then the others by last commit; each
 * with its last commit, how far ahead and behind the default branch it is, a "new pull request"
 * link, archives, and for writers a delete button behind a confirmation.
 */
@customElement('fab-repo-branches-page')
export class FabRepoBranchesPage extends LightDomElement {
  static override styles = [
    refListStyles('fab-repo-branches-page'),
    css`
      fab-repo-branches-page .fab-upstream {
        margin-bottom: 1rem;
        padding: 0.75rem;
        border: 1px solid var(--fab-border);
        border-radius: var(--fab-radius);
      }
      fab-repo-branches-page .fab-upstream h2 {
        margin-top: 0;
        font-size: 1.125rem;
      }
      fab-repo-branches-page .fab-ref-actions button.fab-propose {
        color: var(--fab-accent);
      }
    `,
  ];

  @property() owner = '';
  @property() repo = '';
  @property({ type: Number }) page = 1;

  /** The branch the confirmation dialog is about. */
  @state() private _deleting = '';
  @state() private _message = '';
  @state() private _error = '';

  private _locale = new LocaleController(this);

  private _branches = new Task(this, {
    task: async ([owner, repo, page], { signal }) => {
      const overview = await getBranchOverview(owner, repo, { page, limit: PAGE_SIZE }, signal);
      const states = await getCommitStates(owner, repo, overview.branches.map((b) => b.branch.commit.id), signal);
      return { ...overview, states };
    },
    args: () => [this.owner, this.repo, this.page] as const,
  });

  /** Where an imported repository came from, and its branches' open pull requests there (none when not imported). */
  private _upstream = new Task(this, {
    task: async ([owner, repo], { signal }) => {
      // Only an imported repository has an upstream: asking for another's would be a 404 in the console.
      const repository = await getRepository(owner, repo, signal).catch(() => null);
      const upstream = repository?.original_url ? await getUpstream(owner, repo, signal).catch(() => null) : null;
      const pulls = upstream ? await listUpstreamPulls(owner, repo, signal).catch(() => []) : [];
      return { upstream, pulls };
    },
    args: () => [this.owner, this.repo] as const,
  });

  /** Runs an upstream action, telling its outcome (or the refusal) in the status line. */
  private async _upstreamAction(action: () => Promise<string | null>) {
    try {
      const message = await action();
      this._message = message ?? '';
      this._error = '';
      await Promise.all([this._upstream.run(), this._branches.run()]);
    } catch (error) {
      this._message = '';
      this._error = error instanceof ApiError ? error.message : String(error);
    }
  }

  private _renderUpstream() {
    const value = this._upstream.value;
    if (!value?.upstream) return '';
    const { upstream } = value;
    return html`<section class="fab-upstream" aria-labelledby="fab-upstream-title">
      <h2 id="fab-upstream-title">${t('federation.upstream')}</h2>
      <p>${t('federation.importedFrom')} <a href=${upstream.html_url}>${upstream.html_url}</a></p>
      <p>${upstream.mirror ? t('federation.mirrorNote') : t('federation.workingForkNote')}</p>
      ${upstream.mirror
        ? html`<button type="button" class="fab-button" @click=${() => this._upstreamAction(async () => (await makeWorkingFork(this.owner, this.repo), null))}>
            ${t('federation.makeWorkingFork')}
          </button>`
        : html`<button
            type="button"
            class="fab-button"
            @click=${() =>
              this._upstreamAction(async () => {
                const sync = await syncFromUpstream(this.owner, this.repo);
                return sync.moved ? t('federation.synced', { branch: sync.branch, sha: sync.sha.slice(0, 10) }) : t('federation.syncedNothing', { branch: sync.branch });
              })}
          >
            ${t('federation.sync')}
          </button>`}
    </section>`;
  }

  /** For a working fork: the branch's open pull request upstream, or a button to propose it there. */
  private _renderUpstreamBranch(branch: string, canPush: boolean, isDefault: boolean) {
    const value = this._upstream.value;
    if (!value?.upstream || value.upstream.mirror) return '';
    const pull = value.pulls.find((p) => p.branch === branch);
    if (pull) return html`<a class="fab-upstream-pull" href=${pull.html_url}>${t('federation.upstreamPull', { number: pull.number })}</a>`;
    if (!canPush || isDefault) return '';
    return html`<button type="button" class="fab-propose" aria-label=${t('federation.proposeLabel', { branch })} @click=${() => this._propose(branch)}>${t('federation.propose')}</button>`;
  }

  /** Prepares the upstream (its webhook here) and goes to its new pull request page, prefilled. */
  private async _propose(branch: string) {
    try {
      const proposal = await proposeUpstream(this.owner, this.repo, branch);
      location.assign(proposal.compare_url);
    } catch (error) {
      this._message = '';
      this._error = error instanceof ApiError ? error.message : String(error);
    }
  }

  private async _askDelete(branch: string) {
    this._deleting = branch;
    this._error = '';
    await this.updateComplete;
    this.querySelector('dialog')?.showModal();
  }

  private async _onConfirm(event: SubmitEvent) {
    event.preventDefault();
    const dialog = this.querySelector('dialog');
    const choice = (event.submitter as HTMLButtonElement | null)?.value;
    const branch = this._deleting;
    dialog?.close();
    if (choice !== 'delete') return;
    try {
      await deleteBranch(this.owner, this.repo, branch);
      this._message = t('visitor.deleted', { branch });
      this._error = '';
      await this._branches.run();
    } catch (error) {
      this._message = '';
      this._error = error instanceof ApiError ? error.message : String(error);
    }
  }

  override render() {
    const links = new RepoLinks(this.owner, this.repo);
    return html`
      <fab-repo-header .owner=${this.owner} .repo=${this.repo} tab="branches"></fab-repo-header>
      <h1>${t('repo.branches')}</h1>
      <p role="status">${this._message}</p>
      ${this._error ? html`<p role="alert" class="fab-error">${this._error}</p>` : ''}
      ${this._renderUpstream()}
      ${renderTask(this._branches, ({ default_branch: defaultBranch, branches, total, states }) =>
        total === 0
          ? html`<p>${t('branches.empty')}</p>`
          : html`<p class="fab-ref-count">${t('visitor.branchCount', { count: total })}</p>
              <ul class="fab-refs">
                ${branches.map(({ branch, ahead, behind }) => {
                  const isDefault = branch.name === defaultBranch;
                  return html`<li data-branch=${branch.name}>
                    <div>
                      <p class="fab-ref-name">
                        <a href=${links.src('branch', branch.name)}>${branch.name}</a>${isDefault ? html`<span class="fab-badge">${t('branches.default')}</span>` : ''}
                      </p>
                      <p class="fab-ref-commit">
                        <fab-commit-status .state=${states[branch.commit.id]?.state ?? null}></fab-commit-status>
                        <a href=${links.commit(branch.commit.id)}>${summaryOf(branch.commit.message)}</a> —
                        ${branch.commit.author.name}, <fab-relative-time .datetime=${branch.commit.timestamp}></fab-relative-time>
                      </p>
                    </div>
                    <div class="fab-ref-actions">
                      ${isDefault
                        ? ''
                        : html`<span class="fab-ahead-behind" title=${t('visitor.aheadBehindLabel', { branch: defaultBranch, ahead, behind })}
                              ><span>${t('visitor.ahead', { count: ahead })}</span><span>${t('visitor.behind', { count: behind })}</span></span
                            >
                            <a href=${`${links.home}/pulls/new?${new URLSearchParams({ base: defaultBranch, head: branch.name })}`}>${t('visitor.newPull')}</a>
                            <a href=${links.compare(defaultBranch, branch.name)}>${t('branches.compare', { branch: defaultBranch })}</a>`}
                      ${this._renderUpstreamBranch(branch.name, branch.user_can_push, isDefault)}
                      <a href=${archiveUrl(this.owner, this.repo, branch.name, 'zip')} download>${t('repo.archiveZip', { ref: branch.name })}</a>
                      <a href=${archiveUrl(this.owner, this.repo, branch.name, 'tar.gz')} download>${t('repo.archiveTarGz', { ref: branch.name })}</a>
                      ${branch.user_can_push && !isDefault
                        ? html`<button type="button" aria-label=${t('visitor.deleteLabel', { branch: branch.name })} @click=${() => this._askDelete(branch.name)}>
                            ${t('visitor.delete')}
                          </button>`
                        : ''}
                    </div>
                  </li>`;
                })}
              </ul>
              <fab-pager .page=${this.page} .hasNext=${this.page * PAGE_SIZE < total} .pages=${Math.ceil(total / PAGE_SIZE)}></fab-pager>`,
      )}
      <dialog aria-labelledby="fab-delete-branch-text">
        <p id="fab-delete-branch-text">${t('visitor.deleteConfirm', { branch: this._deleting })}</p>
        <form method="dialog" @submit=${this._onConfirm}>
          <button type="submit" value="cancel">${t('visitor.cancel')}</button>
          <button type="submit" value="delete">${t('visitor.deleteButton')}</button>
        </form>
      </dialog>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-repo-branches-page': FabRepoBranchesPage;
  }
}

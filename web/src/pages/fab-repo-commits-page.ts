import { html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { Task, TaskStatus } from '@lit/task';
import { LightDomElement } from '../light-dom-element.js';
import { LocaleController, t } from '../i18n/index.js';
import '../i18n/areas/browse.js';
import { ApiError } from '../api/client.js';
import { listCommits, splitRefPath, type RefKind } from '../api/browse.js';
import { renderTask } from '../task-status.js';
import '../fab-repo-header.js';
import '../fab-ref-switcher.js';
import '../fab-commit-list.js';
import '../fab-pager.js';

const PAGE_SIZE = 30;

/** `/{owner}/{repo}/commits/{branch|tag|commit}/{ref}/{path}`: the history of a ref, or of one path, paginated. */
@customElement('fab-repo-commits-page')
export class FabRepoCommitsPage extends LightDomElement {
  @property() owner = '';
  @property() repo = '';
  @property() kind: RefKind = 'branch';
  @property() ref = '';
  @property() path = '';
  @property({ type: Number }) page = 1;

  private _locale = new LocaleController(this);

  private _commits = new Task(this, {
    task: async ([owner, repo, kind, ref, path, page], { signal }) => {
      if (!['branch', 'tag', 'commit'].includes(kind)) throw new ApiError(404, 'not found');
      const split = await splitRefPath(owner, repo, kind, ref, path, signal);
      const commits = await listCommits(owner, repo, { sha: split.ref, path: split.path || undefined, page, limit: PAGE_SIZE }, signal);
      return { ...split, commits };
    },
    args: () => [this.owner, this.repo, this.kind, this.ref, this.path, this.page] as const,
  });

  override render() {
    // A branch or tag name may hold slashes: once loaded, the split the refs allow is the true one.
    const loaded = this._commits.status === TaskStatus.COMPLETE ? this._commits.value : undefined;
    const ref = loaded?.ref ?? this.ref;
    const path = loaded ? loaded.path : this.path;
    return html`
      <fab-repo-header .owner=${this.owner} .repo=${this.repo} tab="commits" .kind=${this.kind} .ref=${ref}></fab-repo-header>
      <h1>${path ? t('commits.headingPath', { path }) : t('commits.heading', { ref })}</h1>
      <fab-ref-switcher .owner=${this.owner} .repo=${this.repo} .kind=${this.kind} .ref=${ref} .path=${path} target="commits"></fab-ref-switcher>
      <h2 class="visually-hidden">${t('commits.list')}</h2>
      ${renderTask(this._commits, ({ commits }) =>
        commits.length === 0
          ? html`<p>${t('commits.empty')}</p>`
          : html`<fab-commit-list .owner=${this.owner} .repo=${this.repo} .commits=${commits}></fab-commit-list>
              <fab-pager .page=${this.page} .hasNext=${commits.length === PAGE_SIZE}></fab-pager>`,
      )}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-repo-commits-page': FabRepoCommitsPage;
  }
}

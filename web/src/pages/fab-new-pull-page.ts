import { css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { LightDomElement } from '../light-dom-element.js';
import { LocaleController, t } from '../i18n/index.js';
import '../i18n/areas/browse.js';
import '../i18n/areas/pulls.js';
import { compare, listBranches, type Comparison } from '../api/browse.js';
import { getRepositoryWithParent, listForks } from '../api/forks.js';
import type { Repository } from '../api/browse.js';
import { createPull } from '../api/pulls.js';
import { createRemotePull } from '../api/federation.js';
import type { ApiError } from '../api/client.js';
import { RepoLinks, tCount } from '../browse-links.js';
import { apiErrorText, asApiError, formStyles } from '../forms.js';
import { router } from '../routes.js';
import { SessionController, signInHref } from '../session.js';
import { renderTask } from '../task-status.js';
import '../fab-repo-header.js';
import '../fab-commit-list.js';
import '../fab-diff-view.js';

/**
 * `/{owner}/{repo}/pulls/new?base=&head=`: open a pull request. The head is a branch of this
 * repository or `owner:branch` of one of its forks; the commits and the diff are shown before the
 * title and description. Opened in a fork without a chosen base, it moves to the parent: a fork's
 * changes are usually proposed upstream (the base repository selector goes back to the fork).
 */
@customElement('fab-new-pull-page')
export class FabNewPullPage extends LightDomElement {
  static override styles = [
    formStyles,
    css`
      fab-new-pull-page .fab-pickers {
        display: flex;
        flex-wrap: wrap;
        gap: 1rem 2rem;
        align-items: end;
      }
      fab-new-pull-page select,
      fab-new-pull-page textarea {
        display: block;
        margin-top: 0.25rem;
        padding: 0.375rem 0.5rem;
        font: inherit;
        border: 2px solid var(--fab-border);
        border-radius: var(--fab-radius);
      }
      fab-new-pull-page textarea {
        width: 100%;
        min-height: 8rem;
      }
      fab-new-pull-page label {
        font-weight: 600;
      }
      fab-new-pull-page h2 {
        font-size: 1.25rem;
      }
      fab-new-pull-page .fab-remote-pull {
        margin-top: 1.5rem;
      }
      fab-new-pull-page .fab-remote-pull summary h2 {
        display: inline;
      }
      fab-new-pull-page .fab-form .fab-check label {
        display: inline;
        margin-inline-start: 0.375rem;
      }
    `,
  ];

  @property() owner = '';
  @property() repo = '';
  @property() base = '';
  /** `branch` or `owner:branch`. */
  @property() head = '';
  /** A branch on another forge (`?remote_url=&remote_branch=`, as that forge's "Propose upstream" links). */
  @property() remoteUrl = '';
  @property() remoteBranch = '';

  @state() private _busy = false;
  @state() private _error: ApiError | null = null;
  @state() private _remoteError: ApiError | null = null;
  @state() private _remoteOpen = false;

  private _locale = new LocaleController(this);
  private _session = new SessionController(this);

  /** The repository, its branches, and each fork's full name with its branches. */
  private _choices = new Task(this, {
    task: async ([owner, repo], { signal }) => {
      const [repository, branches, forks] = await Promise.all([
        getRepositoryWithParent(owner, repo, signal),
        listBranches(owner, repo, signal),
        listForks(owner, repo, signal).catch(() => []),
      ]);
      if (repository.parent && !this.base) {
        router.navigate(this._newPullHref(repository.parent, this.head), { replace: true });
      }
      const heads = [{ owner, repo, branches: branches.map((b) => b.name) }];
      for (const fork of forks) {
        const forkBranches = await listBranches(fork.owner.login, fork.name, signal).catch(() => []);
        heads.push({ owner: fork.owner.login, repo: fork.name, branches: forkBranches.map((b) => b.name) });
      }
      return { repository, baseBranches: branches.map((b) => b.name), heads };
    },
    args: () => [this.owner, this.repo] as const,
  });

  private _comparison = new Task(this, {
    // The compare API reads a fork's `owner:branch` against this repository's base branch.
    task: ([owner, repo, base, head], { signal }): Promise<Comparison | null> =>
      base && head ? compare(owner, repo, base, head, 0, signal) : Promise.resolve(null),
    args: () => [this.owner, this.repo, this._baseBranch(), this.head] as const,
  });

  /**
   * The new pull request page of another repository of the network, with the same head written
   * as that repository reads it (`owner:branch` unless the head is one of its own branches).
   */
  private _newPullHref(target: Pick<Repository, 'full_name' | 'default_branch' | 'owner'>, head: string): string {
    const colon = head.indexOf(':');
    const headOwner = colon < 0 ? this.owner : head.slice(0, colon);
    const branch = head.slice(colon + 1);
    const targetHead = !branch ? '' : headOwner.toLowerCase() === target.owner.login.toLowerCase() ? branch : `${headOwner}:${branch}`;
    const query = new URLSearchParams({ base: target.default_branch, ...(targetHead ? { head: targetHead } : {}) });
    return `/${target.full_name.split('/').map(encodeURIComponent).join('/')}/pulls/new?${query}`;
  }

  private _baseBranch(): string {
    return this.base || this._choices.value?.repository.default_branch || '';
  }

  override render() {
    return html`
      <fab-repo-header .owner=${this.owner} .repo=${this.repo} tab="pulls"></fab-repo-header>
      <h1>${t('newPull.title')}</h1>
      ${this._session.loaded && !this._session.user
        ? html`<p><a href=${signInHref(location.pathname + location.search)}>${t('newPull.signIn')}</a></p>`
        : renderTask(this._choices, (choices) => this._renderForm(choices))}
    `;
  }

  private _renderForm(choices: NonNullable<typeof this._choices.value>) {
    const base = this._baseBranch();
    const { repository } = choices;
    // This repository, its parent, and the fork the head comes from: where the changes may go.
    const headOwner = this.head.includes(':') ? this.head.slice(0, this.head.indexOf(':')) : null;
    const headFork = headOwner ? choices.heads.find((h) => h.owner === headOwner) : undefined;
    const targets = [
      ...(repository.parent ? [repository.parent.full_name] : []),
      repository.full_name,
      ...(headFork ? [`${headFork.owner}/${headFork.repo}`] : []),
    ];
    return html`
      <div class="fab-pickers">
        <div>
          <label for="fab-new-pull-base-repo">${t('newPull.baseRepository')}</label>
          <select id="fab-new-pull-base-repo" @change=${(e: Event) => this._pickRepository((e.target as HTMLSelectElement).value)}>
            ${targets.map((name) => html`<option value=${name} ?selected=${name === repository.full_name}>${name}</option>`)}
          </select>
        </div>
        <div>
          <label for="fab-new-pull-base">${t('newPull.base')}</label>
          <select id="fab-new-pull-base" @change=${(e: Event) => this._pick({ base: (e.target as HTMLSelectElement).value })}>
            ${choices.baseBranches.map((b) => html`<option value=${b} ?selected=${b === base}>${b}</option>`)}
          </select>
        </div>
        <div>
          <label for="fab-new-pull-head">${t('newPull.head')}</label>
          <select id="fab-new-pull-head" @change=${(e: Event) => this._pick({ head: (e.target as HTMLSelectElement).value })}>
            <option value="" ?selected=${!this.head}>${t('newPull.chooseHead')}</option>
            ${choices.heads.map(
              (h, index) => html`<optgroup label=${`${h.owner}/${h.repo}`}>
                ${h.branches.map((b) => {
                  const value = index === 0 ? b : `${h.owner}:${b}`;
                  return html`<option value=${value} ?selected=${value === this.head}>${index === 0 ? b : `${h.owner}:${b}`}</option>`;
                })}
              </optgroup>`,
            )}
          </select>
        </div>
      </div>
      ${this.head ? renderTask(this._comparison, (comparison) => (comparison ? this._renderComparison(comparison) : '')) : nothing}
      ${this._renderRemote(choices.baseBranches, base)}
    `;
  }

  /** "From another forge": a branch of a repository elsewhere, fetched by this forge; open when another forge sent the visitor here. */
  private _renderRemote(baseBranches: string[], base: string) {
    const open = this._remoteOpen || this.remoteUrl !== '';
    // The form is drawn only once opened: closed, the page holds one form with one "Title" field.
    return html`<details class="fab-remote-pull" ?open=${open} @toggle=${(event: Event) => (this._remoteOpen = (event.target as HTMLDetailsElement).open)}>
      <summary><h2>${t('federation.fromOtherForge')}</h2></summary>
      ${open ? this._renderRemoteForm(baseBranches, base) : nothing}
    </details>`;
  }

  /** The fields of a pull request from another forge. */
  private _renderRemoteForm(baseBranches: string[], base: string) {
    return html`<p class="fab-hint">${t('federation.fromOtherForgeHint')}</p>
      <form class="fab-form" @submit=${this._createRemote}>
        <div>
          <label for="fab-remote-url">${t('federation.sourceUrl')}</label>
          <input id="fab-remote-url" name="source_url" type="url" required .value=${this.remoteUrl} />
        </div>
        <div>
          <label for="fab-remote-branch">${t('federation.sourceBranch')}</label>
          <input id="fab-remote-branch" name="branch" required .value=${this.remoteBranch} />
        </div>
        <div>
          <label for="fab-remote-base">${t('newPull.base')}</label>
          <select id="fab-remote-base" name="base">
            ${baseBranches.map((b) => html`<option value=${b} ?selected=${b === base}>${b}</option>`)}
          </select>
        </div>
        <div>
          <label for="fab-remote-title">${t('newPull.pullTitle')}</label>
          <input id="fab-remote-title" name="title" required .value=${this.remoteBranch.replace(/[-_]+/g, ' ')} />
        </div>
        <div>
          <label for="fab-remote-body">${t('newPull.body')}</label>
          <textarea id="fab-remote-body" name="body"></textarea>
        </div>
        <div class="fab-check">
          <input type="checkbox" id="fab-remote-force" name="allow_force_push" aria-describedby="fab-remote-force-hint" />
          <label for="fab-remote-force">${t('federation.allowForcePush')}</label>
          <span class="fab-hint" id="fab-remote-force-hint">${t('federation.allowForcePushHint')}</span>
        </div>
        <div role="alert" class="fab-alert">${this._remoteError ? apiErrorText(this._remoteError, {}) : nothing}</div>
        <button type="submit" class="fab-button" ?disabled=${this._busy}>${t('newPull.create')}</button>
      </form>`;
  }

  private _createRemote = async (event: SubmitEvent) => {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    this._busy = true;
    this._remoteError = null;
    try {
      const pull = await createRemotePull(this.owner, this.repo, {
        source_url: String(data.get('source_url') ?? ''),
        branch: String(data.get('branch') ?? ''),
        base: String(data.get('base') ?? ''),
        title: String(data.get('title') ?? ''),
        body: String(data.get('body') ?? ''),
        allow_force_push: data.has('allow_force_push'),
      });
      router.navigate(`${new RepoLinks(this.owner, this.repo).home}/pulls/${pull.number}`);
    } catch (err) {
      this._remoteError = asApiError(err);
    } finally {
      this._busy = false;
    }
  };

  private _renderComparison(comparison: Comparison) {
    if (comparison.total_commits === 0) return html`<p>${t('compare.same', { base: comparison.base.name, head: comparison.head.name })}</p>`;
    const first = comparison.commits[comparison.commits.length - 1];
    const colon = this.head.indexOf(':');
    // As Gitea: a single commit's subject, else the branch name made readable.
    const title = comparison.total_commits === 1 && first ? first.commit.message.split('\n', 1)[0] : this.head.slice(colon + 1).replace(/[-_]+/g, ' ');
    const headOwner = colon < 0 ? this.owner : this.head.slice(0, colon);
    const headRepo = this._choices.value?.heads.find((h) => h.owner === headOwner) ?? { owner: this.owner, repo: this.repo };
    return html`
      <form class="fab-form" @submit=${this._create}>
        <div>
          <label for="fab-new-pull-title">${t('newPull.pullTitle')}</label>
          <input id="fab-new-pull-title" name="title" required .value=${title} />
        </div>
        <div>
          <label for="fab-new-pull-body">${t('newPull.body')}</label>
          <span class="fab-hint" id="fab-new-pull-body-hint">${t('review.markdownHint')}</span>
          <textarea id="fab-new-pull-body" name="body" aria-describedby="fab-new-pull-body-hint"></textarea>
        </div>
        ${colon < 0
          ? nothing
          : html`<div class="fab-check">
              <input type="checkbox" id="fab-new-pull-maintainer-edit" name="allow_maintainer_edit" aria-describedby="fab-new-pull-maintainer-edit-hint" />
              <label for="fab-new-pull-maintainer-edit">${t('newPull.allowMaintainerEdit')}</label>
              <span class="fab-hint" id="fab-new-pull-maintainer-edit-hint">${t('newPull.allowMaintainerEditHint')}</span>
            </div>`}
        <div role="alert" class="fab-alert">${this._error ? apiErrorText(this._error, {}) : nothing}</div>
        <button type="submit" class="fab-button" ?disabled=${this._busy}>${t('newPull.create')}</button>
      </form>
      <h2>${tCount('compare.commits', comparison.total_commits)}</h2>
      <fab-commit-list .owner=${headRepo.owner} .repo=${headRepo.repo} .commits=${comparison.commits}></fab-commit-list>
      <h2>${t('commit.changes')}</h2>
      <fab-diff-view .diff=${comparison.diff}></fab-diff-view>
    `;
  }

  /** Moves to the new pull request page of the chosen base repository, keeping the head. */
  private async _pickRepository(fullName: string) {
    const [owner = '', name = ''] = fullName.split('/');
    const target = await getRepositoryWithParent(owner, name).catch(() => null);
    if (target) router.navigate(this._newPullHref(target, this.head));
  }

  private _pick(change: { base?: string; head?: string }) {
    const url = new URL(location.href);
    const base = change.base ?? this._baseBranch();
    const head = change.head ?? this.head;
    url.search = new URLSearchParams({ base, ...(head ? { head } : {}) }).toString();
    router.navigate(url.href, { replace: true });
  }

  private _create = async (event: SubmitEvent) => {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    this._busy = true;
    this._error = null;
    try {
      const pull = await createPull(this.owner, this.repo, {
        base: this._baseBranch(),
        head: this.head,
        title: String(data.get('title') ?? ''),
        body: String(data.get('body') ?? ''),
        // Only a fork's head shows the box: the base's writers already write to its own branches.
        ...(data.has('allow_maintainer_edit') ? { allow_maintainer_edit: true } : {}),
      });
      router.navigate(`${new RepoLinks(this.owner, this.repo).home}/pulls/${pull.number}`);
    } catch (err) {
      this._error = asApiError(err);
    } finally {
      this._busy = false;
    }
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-new-pull-page': FabNewPullPage;
  }
}

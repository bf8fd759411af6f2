import { css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { LightDomElement } from '../light-dom-element.js';
import { LocaleController, t, type MessageKey } from '../i18n/index.js';
import '../i18n/areas/pulls.js';
import { ApiError } from '../api/client.js';
import type { DiffLine, FileDiff } from '../api/browse.js';
import { getRepositoryWithParent } from '../api/forks.js';
import { getBlob } from '../api/browse.js';
import type { Repository } from '../api/browse.js';
import { listTimeline, type TimelineComment } from '../api/timeline.js';
import {
  addIssueComment,
  editPull,
  getChangesSinceReview,
  getPull,
  getPullDiff,
  listIssueComments,
  listPullCommits,
  listReviewComments,
  listReviews,
  listViewedFiles,
  setFileViewed,
  setReviewDismissed,
  type IssueComment,
  type LineRange,
  type PullRequest,
  type PullReview,
  type ReviewComment,
} from '../api/pulls.js';
import { RepoLinks } from '../browse-links.js';
import { apiErrorText, asApiError, formStyles } from '../forms.js';
import { SessionController } from '../session.js';
import { renderTask } from '../task-status.js';
import type { DiffDecorations } from '../fab-diff-view.js';
import '../fab-repo-header.js';
import '../fab-commit-list.js';
import '../fab-diff-view.js';
import '../fab-markdown.js';
import '../fab-relative-time.js';
import { refreshRemotePull } from '../api/federation.js';
import '../fab-review-thread.js';
import '../fab-review-form.js';
import '../fab-merge-box.js';
import '../fab-follow-button.js';
import '../fab-issue-event.js';
import { authorName } from '../people.js';

export type PullTab = 'conversation' | 'commits' | 'files';

const VERDICT_LABELS: Record<PullReview['state'], MessageKey> = {
  APPROVED: 'review.approved',
  REQUEST_CHANGES: 'review.changesRequested',
  COMMENT: 'review.commented',
  PENDING: 'review.pending',
};

/** Parts only signed-in viewers have (viewed marks) answer 401 to others: they count as empty. */
const orEmpty = <T,>(promise: Promise<T[]>): Promise<T[]> =>
  promise.catch((err: unknown) => {
    if (err instanceof ApiError && err.status === 401) return [];
    throw err;
  });

interface PullData {
  repository: Repository;
  pull: PullRequest;
  reviews: PullReview[];
  comments: ReviewComment[];
  conversation: IssueComment[];
  viewed: string[];
  /** The events of the conversation besides comments and reviews: pushes, merge, title changes... */
  events: TimelineComment[];
}

/** Line comments grouped in threads, first comment first. */
function threadsOf(comments: readonly ReviewComment[]): ReviewComment[][] {
  const threads = new Map<number, ReviewComment[]>();
  for (const comment of comments) {
    const thread = threads.get(comment.thread_id) ?? [];
    thread.push(comment);
    threads.set(comment.thread_id, thread);
  }
  return [...threads.values()].map((thread) => thread.sort((a, b) => a.id - b.id));
}

/** The line's number on one side of the diff. */
const numberOn = (line: DiffLine, side: LineRange['side']) => (side === 'LEFT' ? line.old : line.new);
/** The side a line is commented on: removed lines on the old file, the others on the new. */
const sideOf = (line: DiffLine): LineRange['side'] => (line.type === 'del' ? 'LEFT' : 'RIGHT');

/**
 * `/{owner}/{repo}/pulls/{n}` and its `/commits` and `/files` tabs: the description and the
 * conversation with the merge box; the commits; the changed files with inline threads, line and
 * range selection to comment, the pending review, "Viewed" marks and the changes since one's last review.
 */
@customElement('fab-pull-page')
export class FabPullPage extends LightDomElement {
  static override styles = [
    formStyles,
    css`
      fab-pull-page h1 {
        overflow-wrap: anywhere;
      }
      fab-pull-page .fab-pull-meta {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 1rem;
        align-items: baseline;
      }
      fab-pull-page .fab-state {
        padding: 0.125rem 0.75rem;
        font-weight: 600;
        color: var(--fab-on-accent);
        background: var(--fab-success);
        border-radius: 1rem;
      }
      fab-pull-page .fab-state[data-state='closed'] {
        background: var(--fab-danger);
      }
      fab-pull-page .fab-state[data-state='merged'] {
        background: #5a2d82;
      }
      fab-pull-page .fab-state[data-state='draft'] {
        color: var(--fab-text);
        background: var(--fab-surface);
        border: 1px solid var(--fab-border);
      }
      fab-pull-page .fab-dismiss summary {
        cursor: pointer;
      }
      fab-pull-page .fab-shortcuts {
        margin-bottom: 1rem;
        padding: 0.75rem 1rem;
        border: 1px solid var(--fab-border);
        border-radius: var(--fab-radius);
      }
      fab-pull-page .fab-shortcuts h3 {
        margin: 0 0 0.5rem;
        font-size: 1rem;
      }
      fab-pull-page .fab-shortcuts dl div {
        display: flex;
        gap: 0.75rem;
      }
      fab-pull-page .fab-shortcuts dd {
        margin: 0;
      }
      fab-pull-page kbd {
        padding: 0 0.375rem;
        font-family: var(--fab-mono);
        border: 1px solid var(--fab-border);
        border-radius: 3px;
      }
      fab-pull-page .fab-tabs ul {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem 1.25rem;
        margin: 1rem 0;
        padding: 0 0 0.25rem;
        list-style: none;
        border-bottom: 1px solid var(--fab-border);
      }
      fab-pull-page .fab-tabs a[aria-current='page'] {
        font-weight: 600;
        text-decoration-thickness: 3px;
      }
      fab-pull-page .fab-timeline {
        margin: 0;
        padding: 0;
        list-style: none;
      }
      fab-pull-page .fab-timeline > li,
      fab-pull-page .fab-description {
        margin-bottom: 1rem;
        padding: 0.75rem 1rem;
        border: 1px solid var(--fab-border);
        border-radius: var(--fab-radius);
      }
      fab-pull-page .fab-timeline h3,
      fab-pull-page .fab-description h2 {
        margin: 0 0 0.5rem;
        font-size: 1rem;
      }
      fab-pull-page textarea {
        display: block;
        width: 100%;
        min-height: 6rem;
        margin-top: 0.25rem;
        padding: 0.5rem;
        font: inherit;
        border: 2px solid var(--fab-border);
        border-radius: var(--fab-radius);
      }
      fab-pull-page fab-diff-view td.fab-num button.fab-line-button {
        min-width: 2.5rem;
        padding: 0 0.25rem;
        font: inherit;
        color: var(--fab-muted);
        text-align: right;
        background: none;
        border: 0;
        border-radius: 0;
        cursor: pointer;
      }
      fab-pull-page fab-diff-view td.fab-num button.fab-line-button:hover,
      fab-pull-page fab-diff-view td.fab-num button.fab-line-button[aria-pressed='true'] {
        color: var(--fab-text);
        text-decoration: underline;
      }
      fab-pull-page .fab-file-controls {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 1rem;
        align-items: center;
        margin: 0 0 0.25rem;
      }
      fab-pull-page .fab-pull-state-actions {
        display: grid;
        gap: 0.5rem;
        justify-items: start;
        margin: 1rem 0;
      }
      fab-pull-page .fab-files-toolbar {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 1.5rem;
        align-items: center;
        margin-bottom: 1rem;
      }
    `,
  ];

  @property() owner = '';
  @property() repo = '';
  @property({ type: Number }) number = 0;
  @property() tab: PullTab = 'conversation';

  /** The lines chosen to comment on in the Files changed tab. */
  @state() private _selection: LineRange | null = null;
  @state() private _sinceReview = false;
  @state() private _commentError: ApiError | null = null;
  @state() private _busy = false;
  @state() private _refreshing = false;
  @state() private _refreshMessage = '';
  @state() private _stateError: ApiError | null = null;
  /** What the last close or reopen did, announced from outside the part that reloads. */
  @state() private _stateChange: MessageKey | null = null;
  @state() private _showShortcuts = false;
  /** Where j/k and n are on the files tab: the file and the comment thread last moved to. */
  private _fileIndex = -1;
  private _threadIndex = -1;

  private _locale = new LocaleController(this);
  private _session = new SessionController(this);

  private _data = new Task(this, {
    task: async ([owner, repo, number], { signal }): Promise<PullData> => {
      const [repository, pull, reviews, comments, conversation, viewed, timeline] = await Promise.all([
        getRepositoryWithParent(owner, repo, signal),
        getPull(owner, repo, number, signal),
        orEmpty(listReviews(owner, repo, number, signal)),
        orEmpty(listReviewComments(owner, repo, number, signal)),
        orEmpty(listIssueComments(owner, repo, number, signal)),
        orEmpty(listViewedFiles(owner, repo, number, signal)),
        listTimeline(owner, repo, number, signal),
      ]);
      // Comments and reviews are shown from their own lists (with threads and replies); the rest of the timeline here.
      const events = timeline.filter((e) => e.type !== 'comment' && e.type !== 'review');
      return { repository, pull, reviews, comments, conversation, viewed, events };
    },
    args: () => [this.owner, this.repo, this.number] as const,
  });

  private _commits = new Task(this, {
    task: ([owner, repo, number, tab], { signal }) => (tab === 'commits' ? listPullCommits(owner, repo, number, signal) : Promise.resolve([])),
    args: () => [this.owner, this.repo, this.number, this.tab] as const,
  });

  private _diff = new Task(this, {
    task: async ([pull, tab, since], { signal }) => {
      if (!pull || tab !== 'files') return null;
      if (since) return (await getChangesSinceReview(this.owner, this.repo, pull.number, 0, signal)).diff;
      return getPullDiff(this.owner, this.repo, pull, 0, signal);
    },
    args: () => [this._data.value?.pull ?? null, this.tab, this._sinceReview] as const,
  });

  override render() {
    const links = new RepoLinks(this.owner, this.repo);
    const base = `${links.home}/pulls/${this.number}`;
    const pull = this._data.value?.pull;
    const tabs: [PullTab, string, string][] = [
      ['conversation', base, t('pulls.tabConversation')],
      ['commits', `${base}/commits`, t('pulls.tabCommits')],
      ['files', `${base}/files`, t('pulls.tabFiles')],
    ];
    return html`
      <fab-repo-header .owner=${this.owner} .repo=${this.repo} tab="pulls"></fab-repo-header>
      <h1>${pull ? t('pulls.heading', { title: pull.title, number: pull.number }) : t('pulls.headingNumber', { number: this.number })}</h1>
      ${renderTask(this._data, (data) => html`
        ${this._renderMeta(data.pull)}
        <fab-follow-button .owner=${this.owner} .repo=${this.repo} .number=${this.number}></fab-follow-button>
        <nav class="fab-tabs" aria-label=${t('pulls.tabs')}>
          <ul>
            ${tabs.map(([tab, href, label]) => html`<li><a href=${href} aria-current=${this.tab === tab ? 'page' : 'false'}>${label}</a></li>`)}
          </ul>
        </nav>
        ${this.tab === 'conversation' ? this._renderConversation(data) : this.tab === 'commits' ? this._renderCommits() : this._renderFiles(data)}
      `)}
      <div role="status" class="visually-hidden">${this._stateChange ? t(this._stateChange) : nothing}</div>
    `;
  }

  private _reload = () => {
    void this._data.run();
  };

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('fab-review-changed', this._onReviewChanged);
    this.addEventListener('fab-pull-changed', this._reload);
    this.addEventListener('fab-review-cancel', this._clearSelection);
    document.addEventListener('keydown', this._onShortcut);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('keydown', this._onShortcut);
    this.removeEventListener('fab-review-changed', this._onReviewChanged);
    this.removeEventListener('fab-pull-changed', this._reload);
    this.removeEventListener('fab-review-cancel', this._clearSelection);
  }

  /** The files tab's keys, as on the big forges: never while typing, nor with a modifier held. */
  private _onShortcut = (event: KeyboardEvent) => {
    if (this.tab !== 'files' || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    const target = event.composedPath()[0];
    if (target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))) return;
    if (event.key === 'Escape' && this._showShortcuts) {
      this._showShortcuts = false;
      return;
    }
    const files = [...this.querySelectorAll<HTMLDetailsElement>('fab-diff-view details.fab-diff-file')];
    const move = (to: number) => {
      this._fileIndex = Math.max(0, Math.min(files.length - 1, to));
      const summary = files[this._fileIndex]?.querySelector('summary');
      summary?.focus();
      summary?.scrollIntoView({ block: 'start' });
    };
    switch (event.key) {
      case 'j':
        move(this._fileIndex + 1);
        break;
      case 'k':
        move(this._fileIndex - 1);
        break;
      case 'n': {
        const threads = [...this.querySelectorAll<HTMLElement>('fab-diff-view fab-review-thread')];
        if (threads.length === 0) return;
        this._threadIndex = (this._threadIndex + 1) % threads.length;
        const thread = threads[this._threadIndex];
        // A comment in a folded (viewed) file is shown: the reader asked to go to it.
        const file = thread.closest('details');
        if (file) file.open = true;
        thread.tabIndex = -1;
        thread.focus();
        thread.scrollIntoView({ block: 'center' });
        break;
      }
      case 'v': {
        // The viewed box sits just before its file, outside the part that folds.
        const box = files[this._fileIndex]?.previousElementSibling?.querySelector<HTMLInputElement>('input[type="checkbox"]');
        box?.click();
        break;
      }
      case '?':
        this._showShortcuts = !this._showShortcuts;
        break;
      default:
        return;
    }
    event.preventDefault();
  };

  private _renderShortcuts() {
    const keys: [string, MessageKey][] = [
      ['j', 'shortcuts.next'],
      ['k', 'shortcuts.previous'],
      ['n', 'shortcuts.comment'],
      ['v', 'shortcuts.viewed'],
      ['?', 'shortcuts.help'],
    ];
    return html`<section class="fab-shortcuts" aria-labelledby="fab-shortcuts-heading">
      <h3 id="fab-shortcuts-heading">${t('shortcuts.heading')}</h3>
      <dl>
        ${keys.map(([key, label]) => html`<div><dt><kbd>${key}</kbd></dt><dd>${t(label)}</dd></div>`)}
      </dl>
      <button type="button" class="fab-button fab-secondary" @click=${() => (this._showShortcuts = false)}>${t('shortcuts.close')}</button>
    </section>`;
  }

  private _onReviewChanged = () => {
    this._selection = null;
    this._reload();
  };

  private _clearSelection = () => {
    this._selection = null;
  };

  private _renderMeta(pull: PullRequest) {
    const state = pull.merged ? 'merged' : pull.state;
    const label: MessageKey = pull.merged ? 'pulls.stateMerged' : pull.state === 'open' ? 'pulls.stateOpen' : 'pulls.stateClosed';
    const reviewers = [...pull.requested_reviewers.map((u) => u.login), ...pull.requested_teams.map((team) => t('pulls.teamReviewer', { team: team.name }))];
    return html`<p class="fab-pull-meta">
      <span class="fab-state" data-state=${state}>${t(label)}</span>
      ${pull.draft && pull.state === 'open' && !pull.merged ? html`<span class="fab-state" data-state="draft">${t('pulls.draft')}</span>` : nothing}
      <span>${pull.merged
        ? t('pulls.mergedHeading', { user: pull.merged_by?.login ?? pull.user.login, head: pull.head.label, base: pull.base.ref })
        : t('pulls.wantsToMerge', { user: authorName(pull.user), head: pull.head.label, base: pull.base.ref })}</span>
      <span><fab-relative-time .datetime=${pull.created_at}></fab-relative-time></span>
    </p>
    ${reviewers.length > 0 ? html`<p class="fab-pull-reviewers">${t('pulls.reviewersRequested', { names: reviewers.join(', ') })}</p>` : nothing}
    ${this._renderRemoteSource(pull)}`;
  }

  /** A pull request from another forge: a link to its source branch there, its refresh, and why the last one was refused. */
  private _renderRemoteSource(pull: PullRequest) {
    const source = pull.remote_source;
    if (!source) return nothing;
    const open = pull.state === 'open' && !pull.merged;
    return html`<div class="fab-remote-source">
      <p>
        <a href=${`${source.html_url}/src/branch/${source.branch.split('/').map(encodeURIComponent).join('/')}`}>${t('federation.from', { label: source.label })}</a>
        ${open
          ? html`<button type="button" class="fab-button" ?disabled=${this._refreshing} @click=${() => this._refresh(pull)}>${t('federation.refresh')}</button>`
          : nothing}
      </p>
      <p role="status">${this._refreshMessage}</p>
      ${source.last_error && open ? html`<p class="fab-warning">${t('federation.lastError', { reason: source.last_error })}</p>` : nothing}
      ${open ? html`<p class="fab-hint"><a href=${pull.patch_url}>${t('federation.patchInstead')}</a></p>` : nothing}
    </div>`;
  }

  private async _refresh(pull: PullRequest) {
    this._refreshing = true;
    this._refreshMessage = '';
    try {
      const outcome = await refreshRemotePull(this.owner, this.repo, pull.number);
      this._refreshMessage = outcome.moved ? t('federation.refreshed', { sha: outcome.head_sha.slice(0, 10) }) : outcome.refused ? '' : t('federation.unchanged');
      await this._data.run();
    } catch (err) {
      this._refreshMessage = err instanceof Error ? err.message : String(err);
    } finally {
      this._refreshing = false;
    }
  }

  private _renderCommits() {
    return renderTask(this._commits, (commits) =>
      html`<h2 class="visually-hidden">${t('pulls.tabCommits')}</h2>
        <fab-commit-list .owner=${this.owner} .repo=${this.repo} .commits=${commits}></fab-commit-list>`,
    );
  }

  private _renderConversation(data: PullData) {
    const { pull, reviews, comments, conversation, repository, events } = data;
    const user = this._session.user;
    const threads = threadsOf(comments);
    type Item = { at: string; view: unknown };
    const items: Item[] = [
      ...conversation.map((c) => ({
        at: c.created_at,
        view: html`<li id=${`issuecomment-${c.id}`}>
          <h3>${c.user.login} · <fab-relative-time .datetime=${c.created_at}></fab-relative-time></h3>
          <fab-markdown .html=${c.body_html} .level=${3}></fab-markdown>
        </li>`,
      })),
      ...reviews
        .filter((r) => r.state !== 'PENDING')
        .map((r) => ({
          at: r.submitted_at ?? r.updated_at,
          view: html`<li id=${`pullrequestreview-${r.id}`}>
            <h3>${t(VERDICT_LABELS[r.state], { user: authorName(r.user) })} · <fab-relative-time .datetime=${r.submitted_at ?? r.updated_at}></fab-relative-time></h3>
            ${r.dismissed ? html`<p class="fab-hint" data-dismissed>${t('review.dismissed')}</p>` : nothing}
            ${r.body_html ? html`<fab-markdown .html=${r.body_html} .level=${3}></fab-markdown>` : nothing}
            ${this._renderDismiss(data, r)}
            ${threads.filter((thread) => thread[0].pull_request_review_id === r.id).map((thread) => this._renderThread(data, thread))}
          </li>`,
        })),
      ...threads
        .filter((thread) => thread[0].pull_request_review_id === null)
        .map((thread) => ({
          at: thread[0].created_at,
          view: html`<li>${this._renderThread(data, thread)}</li>`,
        })),
      ...events.map((e) => ({
        at: e.created_at,
        view: html`<li class="fab-event" data-type=${e.type} id=${`event-${e.id}`}><fab-issue-event .owner=${this.owner} .repo=${this.repo} .event=${e}></fab-issue-event></li>`,
      })),
    ].sort((a, b) => a.at.localeCompare(b.at));
    return html`
      <section class="fab-description" aria-labelledby="fab-pull-description">
        <h2 id="fab-pull-description">${t('pulls.description', { user: authorName(pull.user) })}</h2>
        ${pull.body_html ? html`<fab-markdown .html=${pull.body_html} .level=${2}></fab-markdown>` : html`<p>${t('pulls.noDescription')}</p>`}
      </section>
      ${items.length > 0
        ? html`<h2 class="visually-hidden">${t('pulls.timeline')}</h2>
            <ol class="fab-timeline">
              ${items.map((item) => item.view)}
            </ol>`
        : nothing}
      ${pull.state === 'closed' && !pull.merged ? html`<p class="fab-warning">${t('merge.closed')}</p>` : nothing}
      ${pull.head_unavailable_reason && !pull.merged
        ? html`<p class="fab-warning" data-reason=${pull.head_unavailable_reason}>${t(pull.head_unavailable_reason === 'head_repo_deleted' ? 'pulls.headDeleted' : 'pulls.headPrivate')}</p>`
        : nothing}
      <fab-merge-box
        .owner=${this.owner}
        .repo=${this.repo}
        .pull=${pull}
        ?canMerge=${repository.permissions?.push ?? false}
        ?canMarkReady=${user !== null && (user.login === pull.user.login || (repository.permissions?.push ?? false))}
      ></fab-merge-box>
      ${this._renderStateButton(data)}
      ${user
        ? html`<form class="fab-form" @submit=${this._comment}>
            <div>
              <label for="fab-pull-comment">${t('pulls.addComment')}</label>
              <span class="fab-hint" id="fab-pull-comment-hint">${t('review.markdownHint')}</span>
              <textarea id="fab-pull-comment" name="body" required aria-describedby="fab-pull-comment-hint"></textarea>
            </div>
            <div role="alert" class="fab-alert">${this._commentError ? apiErrorText(this._commentError, {}) : nothing}</div>
            <button type="submit" class="fab-button" ?disabled=${this._busy}>${t('pulls.comment')}</button>
          </form>`
        : html`<p><a href=${`/user/login?redirect_to=${encodeURIComponent(location.pathname)}`}>${t('pulls.signInToComment')}</a></p>`}
    `;
  }

  /** Writers dismiss an approval or a request for changes with a reason (it no longer counts), or count it again. */
  private _renderDismiss({ pull, repository }: PullData, review: PullReview) {
    const writer = repository.permissions?.push ?? false;
    if (!writer || pull.state !== 'open' || pull.merged || (review.state !== 'APPROVED' && review.state !== 'REQUEST_CHANGES')) return nothing;
    if (review.dismissed) {
      return html`<button type="button" class="fab-button fab-secondary" ?disabled=${this._busy} @click=${() => this._dismiss(review, false, '')}>${t('review.undismiss')}</button>`;
    }
    const id = `fab-dismiss-${review.id}`;
    return html`<details class="fab-dismiss">
      <summary>${t('review.dismiss')}</summary>
      <form class="fab-form" @submit=${(event: SubmitEvent) => this._submitDismiss(event, review)}>
        <div>
          <label for=${id}>${t('review.dismissReason')}</label>
          <textarea id=${id} name="message" required></textarea>
        </div>
        <button type="submit" class="fab-button" ?disabled=${this._busy}>${t('review.dismissConfirm')}</button>
      </form>
    </details>`;
  }

  private _submitDismiss(event: SubmitEvent, review: PullReview) {
    event.preventDefault();
    const message = String(new FormData(event.target as HTMLFormElement).get('message') ?? '');
    void this._dismiss(review, true, message);
  }

  private async _dismiss(review: PullReview, dismissed: boolean, message: string) {
    this._busy = true;
    this._stateError = null;
    try {
      await setReviewDismissed(this.owner, this.repo, this.number, review.id, dismissed, message);
      this._reload();
    } catch (err) {
      this._stateError = asApiError(err);
    } finally {
      this._busy = false;
    }
  }

  /** Close or reopen, for the author and those with write access, until it is merged. */
  private _renderStateButton({ pull, repository }: PullData) {
    const user = this._session.user;
    const allowed = user !== null && (user.login === pull.user.login || (repository.permissions?.push ?? false));
    if (!allowed || pull.merged) return nothing;
    const next = pull.state === 'open' ? 'closed' : 'open';
    return html`<div class="fab-pull-state-actions">
      <div role="alert" class="fab-alert">${this._stateError ? apiErrorText(this._stateError, {}) : nothing}</div>
      <button type="button" class="fab-button fab-secondary" ?disabled=${this._busy} @click=${() => this._setState(next)}>
        ${t(next === 'closed' ? 'pulls.close' : 'pulls.reopen')}
      </button>
    </div>`;
  }

  private async _setState(state: PullRequest['state']) {
    this._busy = true;
    this._stateError = null;
    this._stateChange = null;
    try {
      await editPull(this.owner, this.repo, this.number, { state });
      this._stateChange = state === 'closed' ? 'pulls.closed' : 'pulls.reopened';
      this._reload();
    } catch (err) {
      this._stateError = asApiError(err);
    } finally {
      this._busy = false;
    }
  }

  private _renderThread(data: PullData, thread: readonly ReviewComment[], lines: readonly string[] = []) {
    const user = this._session.user;
    const first = thread[0];
    const maintainer = data.repository.permissions?.push ?? false;
    const author = user !== null && user.login === data.pull.user.login;
    return html`<fab-review-thread
      .owner=${this.owner}
      .repo=${this.repo}
      .number=${this.number}
      .comments=${thread}
      .range=${first ?? null}
      .lines=${lines}
      ?canComment=${user !== null}
      ?canResolve=${user !== null && (maintainer || author || (first !== undefined && first.user.login === user.login))}
      ?canApply=${author && data.pull.state === 'open' && !data.pull.merged && data.pull.remote_source === null}
      ?reviewing=${this._pendingReview(data) !== null}
    ></fab-review-thread>`;
  }

  private _pendingReview(data: PullData): PullReview | null {
    const user = this._session.user;
    return data.reviews.find((r) => r.state === 'PENDING' && r.user.login === user?.login) ?? null;
  }

  private _renderFiles(data: PullData) {
    const user = this._session.user;
    const pending = this._pendingReview(data);
    const threads = threadsOf(data.comments);
    const decorations = this._decorations(data, threads);
    const lastReview = user ? data.reviews.some((r) => r.user.login === user.login && r.state !== 'PENDING') : false;
    const load = (offset: number, signal: AbortSignal) =>
      this._sinceReview
        ? getChangesSinceReview(this.owner, this.repo, this.number, offset, signal).then((r) => r.diff)
        : getPullDiff(this.owner, this.repo, data.pull, offset, signal);
    // The context between hunks is read from the head, which the base repository keeps.
    const expand = async (file: FileDiff) => (await getBlob(this.owner, this.repo, data.pull.head.sha, file.filename)).lines ?? [];
    return html`
      <h2 class="visually-hidden">${t('pulls.tabFiles')}</h2>
      <div class="fab-files-toolbar">
        ${user ? html`<p>${t('review.selectHint')}</p>` : nothing}
        <button type="button" class="fab-button fab-secondary" aria-expanded=${this._showShortcuts ? 'true' : 'false'} @click=${() => (this._showShortcuts = !this._showShortcuts)}>
          ${t('shortcuts.open')}
        </button>
        ${lastReview
          ? html`<div>
              <input type="checkbox" id="fab-since-review" .checked=${this._sinceReview} @change=${this._toggleSince} />
              <label for="fab-since-review">${t('review.sinceLastReview')}</label>
            </div>`
          : nothing}
      </div>
      ${this._showShortcuts ? this._renderShortcuts() : nothing}
      ${renderTask(this._diff, (diff) =>
        diff ? html`<fab-diff-view .diff=${diff} .loadFrom=${load} .decorations=${decorations} .expandFrom=${expand}></fab-diff-view>` : '',
      )}
      ${user && data.pull.state === 'open' && !data.pull.merged
        ? html`<fab-review-form
            .owner=${this.owner}
            .repo=${this.repo}
            .number=${this.number}
            .pending=${pending}
            .pendingComments=${pending ? data.comments.filter((c) => c.pull_request_review_id === pending.id).length : 0}
            ?author=${user.login === data.pull.user.login}
          ></fab-review-form>`
        : nothing}
    `;
  }

  private _toggleSince = (event: Event) => {
    this._sinceReview = (event.target as HTMLInputElement).checked;
  };

  private _decorations(data: PullData, threads: ReviewComment[][]): DiffDecorations {
    const user = this._session.user;
    const selection = this._selection;
    const viewed = new Set(data.viewed);
    const inFile = (file: FileDiff) => threads.filter((thread) => thread[0].path === file.filename);
    const placed = (file: FileDiff) => {
      const lines = new Set<string>();
      for (const hunk of file.hunks) for (const line of hunk.lines) lines.add(`${sideOf(line)}:${numberOn(line, sideOf(line))}`);
      return lines;
    };
    const selectedLines = (file: FileDiff) => {
      if (!selection || selection.path !== file.filename) return [];
      const texts: string[] = [];
      for (const hunk of file.hunks)
        for (const line of hunk.lines) {
          const n = numberOn(line, selection.side);
          if (n !== null && n >= selection.start_line && n <= selection.line && (selection.side === 'RIGHT' ? line.type !== 'del' : line.type !== 'add')) texts.push(line.content);
        }
      return texts;
    };
    return {
      fileOpen: (file) => !viewed.has(file.filename),
      fileControls: (file) => {
        const lines = placed(file);
        const elsewhere = inFile(file).filter((thread) => !lines.has(`${thread[0].side}:${thread[0].line}`));
        const id = `fab-viewed-${file.filename.replace(/[^A-Za-z0-9_-]/g, '_')}`;
        return html`<div class="fab-file-controls">
            ${user
              ? html`<input type="checkbox" id=${id} .checked=${viewed.has(file.filename)} @change=${(e: Event) => this._markViewed(file.filename, (e.target as HTMLInputElement).checked)} />
                  <label for=${id}>${t('review.viewed', { path: file.filename })}</label>`
              : nothing}
          </div>
          ${elsewhere.map((thread) => this._renderThread(data, thread))}`;
      },
      lineNumber: (file, line, side) => {
        const number = numberOn(line, side) ?? 0;
        // Removed lines are commented on the old file, the others on the new: one button per line.
        if (!user || sideOf(line) !== side) return String(number);
        const pressed = this._isSelected(file, line);
        return html`<button
          type="button"
          class="fab-line-button"
          aria-pressed=${pressed ? 'true' : 'false'}
          aria-label=${t(side === 'LEFT' ? 'review.selectOldLine' : 'review.selectNewLine', { line: number, path: file.filename })}
          @click=${(event: MouseEvent) => this._select(file, line, event.shiftKey)}
        >${number}</button>`;
      },
      selected: (file, line) => this._isSelected(file, line),
      rowsAfter: (file, line) => {
        const side = sideOf(line);
        const number = numberOn(line, side);
        const here = inFile(file).filter((thread) => thread[0].side === side && thread[0].line === number);
        const form = selection && selection.path === file.filename && selection.side === side && selection.line === number;
        if (here.length === 0 && !form) return null;
        return html`${here.map((thread) => this._renderThread(data, thread))}${form
          ? html`<fab-review-thread
              .owner=${this.owner}
              .repo=${this.repo}
              .number=${this.number}
              .range=${selection}
              .lines=${selectedLines(file)}
              canComment
              ?reviewing=${this._pendingReview(data) !== null}
            ></fab-review-thread>`
          : nothing}`;
      },
    };
  }

  private _isSelected(file: FileDiff, line: DiffLine): boolean {
    const selection = this._selection;
    if (!selection || selection.path !== file.filename || sideOf(line) !== selection.side) return false;
    const number = numberOn(line, selection.side);
    return number !== null && number >= selection.start_line && number <= selection.line;
  }

  private async _select(file: FileDiff, line: DiffLine, extend: boolean) {
    const side = sideOf(line);
    const number = numberOn(line, side) ?? 0;
    const current = this._selection;
    if (extend && current && current.path === file.filename && current.side === side) {
      const anchor = number < current.start_line ? current.line : current.start_line;
      this._selection = { path: file.filename, side, start_line: Math.min(anchor, number), line: Math.max(anchor, number) };
    } else {
      this._selection = { path: file.filename, side, start_line: number, line: number };
    }
    await this.updateComplete;
    this.querySelector('fab-diff-view')?.requestUpdate();
  }

  private async _markViewed(path: string, viewed: boolean) {
    try {
      await setFileViewed(this.owner, this.repo, this.number, path, viewed);
    } finally {
      this._reload();
    }
  }

  private _comment = async (event: SubmitEvent) => {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const body = String(new FormData(form).get('body') ?? '');
    if (!body.trim()) return;
    this._busy = true;
    this._commentError = null;
    try {
      await addIssueComment(this.owner, this.repo, this.number, body);
      form.reset();
      this._reload();
    } catch (err) {
      this._commentError = asApiError(err);
    } finally {
      this._busy = false;
    }
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-pull-page': FabPullPage;
  }
}

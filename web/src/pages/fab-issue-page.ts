import { css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { LightDomElement } from '../light-dom-element.js';
import { LocaleController, t, type MessageKey } from '../i18n/index.js';
import '../i18n/areas/issues.js';
import { ApiError } from '../api/client.js';
import { getRepository, type Repository } from '../api/browse.js';
import { listTimeline, type TimelineComment } from '../api/timeline.js';
import { addIssueComment } from '../api/pulls.js';
import { deleteIssue, editComment, editIssue, getIssue, listContentHistory, suspendUser, type Issue, type ReactionTarget } from '../api/issues.js';
import { RepoLinks } from '../browse-links.js';
import { apiErrorText, asApiError, formStyles } from '../forms.js';
import { router } from '../routes.js';
import { SessionController, signInHref } from '../session.js';
import { renderTask } from '../task-status.js';
import type { FabIssueEditor } from '../fab-issue-editor.js';
import '../fab-repo-header.js';
import '../fab-markdown.js';
import '../fab-relative-time.js';
import '../fab-issue-editor.js';
import '../fab-issue-event.js';
import '../fab-issue-history.js';
import '../fab-issue-label.js';
import '../fab-issue-reactions.js';
import '../fab-issue-sidebar.js';
import { authorName } from '../people.js';

interface IssueData {
  repository: Repository;
  issue: Issue;
  timeline: TimelineComment[];
  /** Whether the description was ever edited (its history is not empty). */
  bodyEdited: boolean;
}

/** What the viewer may do here, as the server's policy decides it (the server checks again). */
interface Abilities {
  signedIn: boolean;
  /** Write access to a repository that is not archived: labels, milestone, assignees, lock, pin. */
  writer: boolean;
  /** The author or a writer: title, description, close and reopen. */
  manage: boolean;
  /** Commenting: signed in, and the conversation unlocked or the viewer a writer. */
  comment: boolean;
  /** A site administrator who did not write the issue: may suspend its author (spam control). */
  suspend: boolean;
}

/**
 * `/{owner}/{repo}/issues/{n}`: the title (editable by its author and writers), the state, the
 * description and the timeline of comments and events, reactions, edit histories, the comment box
 * (closed on a locked conversation except to writers), close / reopen, and the writers' sidebar.
 */
@customElement('fab-issue-page')
export class FabIssuePage extends LightDomElement {
  static override styles = [
    formStyles,
    css`
      fab-issue-page h1 {
        overflow-wrap: anywhere;
      }
      fab-issue-page .fab-issue-meta {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 1rem;
        align-items: baseline;
      }
      fab-issue-page .fab-state {
        padding: 0.125rem 0.75rem;
        font-weight: 600;
        color: var(--fab-on-accent);
        background: var(--fab-success);
        border-radius: 1rem;
      }
      fab-issue-page .fab-state[data-state='closed'] {
        background: var(--fab-danger);
      }
      fab-issue-page .fab-issue-layout {
        display: grid;
        grid-template-columns: minmax(0, 1fr) 17rem;
        gap: 1.5rem;
        align-items: start;
      }
      @media (max-width: 52rem) {
        fab-issue-page .fab-issue-layout {
          grid-template-columns: minmax(0, 1fr);
        }
      }
      fab-issue-page .fab-timeline {
        margin: 0;
        padding: 0;
        list-style: none;
      }
      fab-issue-page .fab-timeline > li.fab-comment,
      fab-issue-page .fab-description {
        margin-bottom: 1rem;
        padding: 0.75rem 1rem;
        border: 1px solid var(--fab-border);
        border-radius: var(--fab-radius);
      }
      fab-issue-page .fab-timeline > li.fab-event {
        margin: 0 0 1rem 1rem;
      }
      fab-issue-page .fab-comment-head {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem 1rem;
        align-items: baseline;
        justify-content: space-between;
        margin-bottom: 0.5rem;
      }
      fab-issue-page .fab-comment-head h2,
      fab-issue-page .fab-comment-head h3 {
        margin: 0;
        font-size: 1rem;
      }
      fab-issue-page .fab-link-button {
        padding: 0;
        font: inherit;
        color: var(--fab-accent);
        text-decoration: underline;
        background: none;
        border: 0;
        cursor: pointer;
      }
      fab-issue-page .fab-title-form {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: end;
        max-width: none;
        margin: 0 0 1rem;
      }
      fab-issue-page .fab-title-form > div {
        flex: 1 1 16rem;
      }
      fab-issue-page .fab-actions {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 1rem;
        align-items: center;
      }
      fab-issue-page .fab-inline-form {
        max-width: none;
        margin-top: 0.5rem;
      }
      fab-issue-page .fab-moderation {
        margin-top: 1.5rem;
        padding-top: 1rem;
        border-top: 1px solid var(--fab-border);
      }
    `,
  ];

  @property() owner = '';
  @property() repo = '';
  @property({ type: Number }) number = 0;

  @state() private _editingTitle = false;
  /** `body` while the description is edited, or the id of the comment being edited. */
  @state() private _editing: 'body' | number | null = null;
  @state() private _busy = false;
  @state() private _error: ApiError | null = null;
  @state() private _commentError: ApiError | null = null;
  /** The moderation step waiting for its confirmation, if any. */
  @state() private _confirming: 'delete' | 'suspend' | null = null;
  /** What the last close, reopen or edit did, announced from outside the part that reloads. */
  @state() private _done: MessageKey | null = null;

  private _locale = new LocaleController(this);
  private _session = new SessionController(this);

  private _data = new Task(this, {
    task: async ([owner, repo, number], { signal }): Promise<IssueData> => {
      const [repository, issue, timeline, history] = await Promise.all([
        getRepository(owner, repo, signal),
        getIssue(owner, repo, number, signal),
        listTimeline(owner, repo, number, signal),
        listContentHistory(owner, repo, { kind: 'issue', number }, signal).catch(() => []),
      ]);
      // One numbering for both, as in Gitea: a pull request's number opens its own page.
      if (issue.pull_request) router.navigate(`${new RepoLinks(owner, repo).home}/pulls/${number}`, { replace: true });
      return { repository, issue, timeline, bodyEdited: history.length > 0 };
    },
    args: () => [this.owner, this.repo, this.number] as const,
  });

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('fab-issue-changed', this._reload);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener('fab-issue-changed', this._reload);
  }

  private _reload = () => {
    void this._data.run();
  };

  private _abilities({ repository, issue }: IssueData): Abilities {
    const user = this._session.user;
    const open = !repository.archived;
    const writer = user !== null && open && (repository.permissions?.push ?? false);
    return {
      signedIn: user !== null,
      writer,
      manage: writer || (user !== null && open && user.login === issue.user.login),
      comment: user !== null && open && (!issue.is_locked || writer),
      suspend: user !== null && user.is_admin && user.login !== issue.user.login,
    };
  }

  override render() {
    const issue = this._data.value?.issue;
    return html`
      <fab-repo-header .owner=${this.owner} .repo=${this.repo} tab="issues"></fab-repo-header>
      ${this._editingTitle && issue ? this._renderTitleForm(issue) : html`<h1>${issue ? t('issues.heading', { title: issue.title, number: issue.number }) : t('issues.headingNumber', { number: this.number })}</h1>`}
      ${renderTask(this._data, (data) => this._renderIssue(data))}
      <div role="status" class="visually-hidden">${this._done ? t(this._done) : nothing}</div>
    `;
  }

  private _renderTitleForm(issue: Issue) {
    return html`<h1 class="visually-hidden">${t('issues.heading', { title: issue.title, number: issue.number })}</h1>
      <form class="fab-form fab-title-form" @submit=${this._saveTitle}>
        <div>
          <label for="fab-issue-title-edit">${t('issue.titleField')}</label>
          <input id="fab-issue-title-edit" name="title" required maxlength="255" .value=${issue.title} />
        </div>
        <button type="submit" class="fab-button" ?disabled=${this._busy}>${t('issue.save')}</button>
        <button type="button" class="fab-button fab-secondary" @click=${() => (this._editingTitle = false)}>${t('issue.cancel')}</button>
      </form>`;
  }

  private _renderIssue(data: IssueData) {
    const { issue } = data;
    const can = this._abilities(data);
    return html`
      <div class="fab-issue-meta">
        <span class="fab-state" data-state=${issue.state}>${t(issue.state === 'open' ? 'issue.stateOpen' : 'issue.stateClosed')}</span>
        <span>${t('issue.openedBy', { user: authorName(issue.user) })} <fab-relative-time .datetime=${issue.created_at}></fab-relative-time></span>
        ${issue.is_locked ? html`<span>${t('issue.locked')}</span>` : nothing}
        ${can.manage && !this._editingTitle
          ? html`<button type="button" class="fab-link-button" @click=${() => (this._editingTitle = true)}>${t('issue.editTitle')}</button>`
          : nothing}
      </div>
      <div role="alert" class="fab-alert">${this._error ? apiErrorText(this._error, {}) : nothing}</div>
      <div class="fab-issue-layout">
        <div>
          ${this._renderDescription(data, can)} ${this._renderTimeline(data, can)} ${this._renderStateButton(issue, can)}
          ${this._renderCommentBox(issue, can)} ${this._renderModeration(issue, can)}
        </div>
        <fab-issue-sidebar .owner=${this.owner} .repo=${this.repo} .issue=${issue} ?writer=${can.writer}></fab-issue-sidebar>
      </div>
    `;
  }

  private _renderDescription({ issue, bodyEdited }: IssueData, can: Abilities) {
    return html`<section class="fab-description" aria-labelledby="fab-issue-description">
      <div class="fab-comment-head">
        <h2 id="fab-issue-description">${t('issue.description', { user: authorName(issue.user) })}</h2>
        <span class="fab-actions">
          ${bodyEdited ? html`<fab-issue-history .owner=${this.owner} .repo=${this.repo} .target=${{ kind: 'issue', number: issue.number }}></fab-issue-history>` : nothing}
          ${can.manage && this._editing !== 'body'
            ? html`<button type="button" class="fab-link-button" aria-label=${t('issue.editDescription')} @click=${() => (this._editing = 'body')}>${t('issue.edit')}</button>`
            : nothing}
        </span>
      </div>
      ${this._editing === 'body'
        ? this._renderEditForm('fab-issue-body-edit', issue.body, (body) => editIssue(this.owner, this.repo, issue.number, { body }))
        : issue.body_html
          ? html`<fab-markdown .html=${issue.body_html} .level=${2}></fab-markdown>`
          : html`<p>${t('issue.noDescription')}</p>`}
      <fab-issue-reactions .owner=${this.owner} .repo=${this.repo} .target=${this._reactionTarget({ kind: 'issue', number: issue.number })} ?canReact=${can.comment}></fab-issue-reactions>
    </section>`;
  }

  private _renderTimeline({ timeline }: IssueData, can: Abilities) {
    if (timeline.length === 0) return nothing;
    const login = this._session.user?.login;
    return html`<h2 class="visually-hidden">${t('issue.timeline')}</h2>
      <ol class="fab-timeline">
        ${timeline.map((entry) =>
          entry.type === 'comment'
            ? html`<li class="fab-comment" id=${`issuecomment-${entry.id}`}>
                <div class="fab-comment-head">
                  <h3>${entry.user ? authorName(entry.user) : t('timeline.someone')} · <fab-relative-time .datetime=${entry.created_at}></fab-relative-time></h3>
                  <span class="fab-actions">
                    ${entry.updated_at !== entry.created_at
                      ? html`<fab-issue-history .owner=${this.owner} .repo=${this.repo} .target=${{ kind: 'comment', id: entry.id }}></fab-issue-history>`
                      : nothing}
                    ${(entry.user?.login === login && can.comment) || can.writer
                      ? this._editing === entry.id
                        ? nothing
                        : html`<button type="button" class="fab-link-button" aria-label=${t('issue.editComment', { user: entry.user?.login ?? '' })} @click=${() => (this._editing = entry.id)}>
                            ${t('issue.edit')}
                          </button>`
                      : nothing}
                  </span>
                </div>
                ${this._editing === entry.id
                  ? this._renderEditForm(`fab-comment-edit-${entry.id}`, entry.body, (body) => editComment(this.owner, this.repo, entry.id, body))
                  : html`<fab-markdown .html=${entry.body_html} .level=${3}></fab-markdown>`}
                <fab-issue-reactions .owner=${this.owner} .repo=${this.repo} .target=${this._reactionTarget({ kind: 'comment', id: entry.id })} ?canReact=${can.comment}></fab-issue-reactions>
              </li>`
            : html`<li class="fab-event" data-type=${entry.type} id=${`event-${entry.id}`}>
                <fab-issue-event .owner=${this.owner} .repo=${this.repo} .event=${entry}></fab-issue-event>
              </li>`,
        )}
      </ol>`;
  }

  /** The editor of a description or a comment, saved through `save`. */
  private _renderEditForm(id: string, body: string, save: (body: string) => Promise<unknown>) {
    const submit = async (event: SubmitEvent) => {
      event.preventDefault();
      const editor = (event.target as HTMLFormElement).querySelector<FabIssueEditor>('fab-issue-editor');
      await this._act(() => save(editor?.text ?? ''), 'issue.saved');
      if (!this._error) this._editing = null;
    };
    return html`<form class="fab-form fab-inline-form" @submit=${submit}>
      <fab-issue-editor .owner=${this.owner} .repo=${this.repo} .fieldId=${id} .label=${t('issue.editLabel')} .value=${body}></fab-issue-editor>
      <div class="fab-actions">
        <button type="submit" class="fab-button" ?disabled=${this._busy}>${t('issue.save')}</button>
        <button type="button" class="fab-button fab-secondary" @click=${() => (this._editing = null)}>${t('issue.cancel')}</button>
      </div>
    </form>`;
  }

  private _renderStateButton(issue: Issue, can: Abilities) {
    if (!can.manage) return nothing;
    const next = issue.state === 'open' ? 'closed' : 'open';
    return html`<p>
      <button type="button" class="fab-button fab-secondary" ?disabled=${this._busy} @click=${() => this._act(() => editIssue(this.owner, this.repo, issue.number, { state: next }), next === 'closed' ? 'issue.closedDone' : 'issue.reopenedDone')}>
        ${t(next === 'closed' ? 'issue.close' : 'issue.reopen')}
      </button>
    </p>`;
  }

  /** Spam control: writers delete the issue, site administrators suspend its author; each asks to confirm first. */
  private _renderModeration(issue: Issue, can: Abilities) {
    if (!can.writer && !can.suspend) return nothing;
    const cancel = html`<button type="button" class="fab-button fab-secondary" @click=${() => (this._confirming = null)}>${t('issue.cancel')}</button>`;
    const step = (what: 'delete' | 'suspend', ask: string, confirm: string, run: () => Promise<void>) =>
      this._confirming === what
        ? html`<div role="group" class="fab-actions" aria-labelledby=${`fab-issue-${what}-ask`}>
            <p id=${`fab-issue-${what}-ask`}>${ask}</p>
            <button type="button" class="fab-button fab-danger" data-confirm ?disabled=${this._busy} @click=${run}>${confirm}</button>
            ${cancel}
          </div>`
        : html`<button type="button" class="fab-button fab-secondary" ?disabled=${this._busy} @click=${() => this._ask(what)}>
            ${t(what === 'delete' ? 'issue.deleteIssue' : 'issue.suspendAuthor')}
          </button>`;
    return html`<section class="fab-moderation" aria-labelledby="fab-issue-moderation">
      <h2 id="fab-issue-moderation" class="visually-hidden">${t('issue.moderation')}</h2>
      <div class="fab-actions">
        ${can.writer ? step('delete', t('issue.deleteAsk', { number: issue.number }), t('issue.deleteConfirm'), () => this._delete(issue)) : nothing}
        ${can.suspend
          ? step('suspend', t('issue.suspendAsk', { user: issue.user.login }), t('issue.suspendConfirm'), () =>
              this._act(() => suspendUser(issue.user.login), 'issue.authorSuspended').then(() => {
                if (!this._error) this._confirming = null;
              }),
            )
          : nothing}
      </div>
    </section>`;
  }

  /** Shows a moderation step's confirmation and moves the focus to its button, for keyboard users. */
  private async _ask(what: 'delete' | 'suspend') {
    this._confirming = what;
    await this.updateComplete;
    this.querySelector<HTMLButtonElement>('[data-confirm]')?.focus();
  }

  /** One object per reaction target: a new one at each render would make its reactions load again. */
  private _reactionTargets = new Map<string, ReactionTarget>();

  private _reactionTarget(target: ReactionTarget): ReactionTarget {
    const key = target.kind === 'issue' ? `issue:${target.number}` : `comment:${target.id}`;
    const known = this._reactionTargets.get(key);
    if (known) return known;
    this._reactionTargets.set(key, target);
    return target;
  }

  /** A deletion under way; not a reactive state, see _delete. */
  private _deleting = false;

  private async _delete(issue: Issue) {
    // No render from here on: a render would show the issue that is being deleted.
    if (this._deleting) return;
    this._deleting = true;
    try {
      await deleteIssue(this.owner, this.repo, issue.number);
    } catch (err) {
      this._error = asApiError(err);
      this._deleting = false;
      return;
    }
    router.navigate(`${new RepoLinks(this.owner, this.repo).home}/issues`);
  }

  private _renderCommentBox(issue: Issue, can: Abilities) {
    if (!can.signedIn) return html`<p><a href=${signInHref(location.pathname)}>${t('issue.signInToComment')}</a></p>`;
    if (!can.comment) return html`<p>${t(issue.is_locked ? 'issue.lockedNoComment' : 'issue.readOnly')}</p>`;
    return html`<form class="fab-form fab-inline-form" @submit=${this._comment}>
      <fab-issue-editor .owner=${this.owner} .repo=${this.repo} fieldId="fab-issue-comment" .label=${t('issue.addComment')} required></fab-issue-editor>
      <div role="alert" class="fab-alert">${this._commentError ? apiErrorText(this._commentError, {}) : nothing}</div>
      <button type="submit" class="fab-button" ?disabled=${this._busy}>${t('issue.comment')}</button>
    </form>`;
  }

  /** Runs one change, then reloads the issue and announces `done`; a failure shows in the alert. */
  private async _act(change: () => Promise<unknown>, done: MessageKey) {
    this._busy = true;
    this._error = null;
    this._done = null;
    try {
      await change();
      this._done = done;
      this._reload();
    } catch (err) {
      this._error = asApiError(err);
    } finally {
      this._busy = false;
    }
  }

  private _saveTitle = async (event: SubmitEvent) => {
    event.preventDefault();
    const title = String(new FormData(event.target as HTMLFormElement).get('title') ?? '').trim();
    await this._act(() => editIssue(this.owner, this.repo, this.number, { title }), 'issue.saved');
    if (!this._error) this._editingTitle = false;
  };

  private _comment = async (event: SubmitEvent) => {
    event.preventDefault();
    const editor = (event.target as HTMLFormElement).querySelector<FabIssueEditor>('fab-issue-editor');
    const body = editor?.text ?? '';
    if (!body.trim()) return;
    this._busy = true;
    this._commentError = null;
    try {
      await addIssueComment(this.owner, this.repo, this.number, body);
      editor?.clear();
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
    'fab-issue-page': FabIssuePage;
  }
}

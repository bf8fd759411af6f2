import { css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { LightDomElement } from './light-dom-element.js';
import { LocaleController, t } from './i18n/index.js';
import './i18n/areas/pulls.js';
import { applySuggestion, createReview, createThread, replyToThread, setThreadResolved, type LineRange, type ReviewComment } from './api/pulls.js';
import { apiErrorText, asApiError, formStyles } from './forms.js';
import type { ApiError } from './api/client.js';
import './fab-markdown.js';
import './fab-relative-time.js';

let nextId = 0;

/** "lines 3 to 5" or "line 4", of the old or the new file. */
export function rangeLabel(range: LineRange): string {
  const side = t(range.side === 'LEFT' ? 'review.sideOld' : 'review.sideNew');
  return range.start_line === range.line
    ? t('review.line', { line: range.line, side, path: range.path })
    : t('review.lines', { start: range.start_line, end: range.line, side, path: range.path });
}

/**
 * A conversation on lines of a pull request's diff: its comments (with an "outdated" label when a
 * later push changed those lines, and an "Apply suggestion" button for the author), a reply form
 * and resolve / reopen. With no comments yet, the form that starts one, alone or in the pending
 * review. Fires `fab-review-changed` after every change it made.
 */
@customElement('fab-review-thread')
export class FabReviewThread extends LightDomElement {
  static override styles = [
    formStyles,
    css`
      fab-review-thread {
        display: block;
        max-width: 52rem;
        margin: 0.25rem 0;
        padding: 0.5rem 0.75rem;
        border: 1px solid var(--fab-border);
        border-radius: var(--fab-radius);
        background: var(--fab-bg);
      }
      fab-review-thread .fab-thread-head {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem 0.75rem;
        align-items: baseline;
        margin: 0 0 0.5rem;
        color: var(--fab-muted);
      }
      fab-review-thread .fab-badge {
        padding: 0 0.5rem;
        color: var(--fab-text);
        background: var(--fab-surface);
        border: 1px solid var(--fab-border);
        border-radius: 1rem;
        font-size: 0.875rem;
      }
      fab-review-thread ol {
        margin: 0;
        padding: 0;
        list-style: none;
      }
      fab-review-thread li + li {
        margin-top: 0.5rem;
        padding-top: 0.5rem;
        border-top: 1px solid var(--fab-surface);
      }
      fab-review-thread .fab-author {
        margin: 0 0 0.25rem;
        font-weight: 600;
      }
      fab-review-thread pre.fab-suggestion {
        margin: 0.25rem 0;
        padding: 0.5rem;
        overflow-x: auto;
        font: 0.8125rem/1.5 var(--fab-mono);
        background: var(--fab-success-bg);
        border-radius: var(--fab-radius);
      }
      fab-review-thread textarea {
        display: block;
        width: 100%;
        min-height: 5rem;
        margin-top: 0.25rem;
        padding: 0.5rem;
        font: inherit;
        border: 2px solid var(--fab-border);
        border-radius: var(--fab-radius);
      }
      fab-review-thread .fab-form {
        gap: 0.5rem;
        max-width: none;
        margin-top: 0.5rem;
      }
      fab-review-thread .fab-buttons {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
      }
      fab-review-thread .fab-button {
        padding: 0.25rem 0.75rem;
      }
    `,
  ];

  @property() owner = '';
  @property() repo = '';
  @property({ type: Number }) number = 0;
  /** The thread's comments, first one first; empty for a new thread on `range`. */
  @property({ attribute: false }) comments: readonly ReviewComment[] = [];
  /** The lines a new thread is about (ignored once it has comments). */
  @property({ attribute: false }) range: LineRange | null = null;
  /** The lines' current text, offered as the start of a suggested change. */
  @property({ attribute: false }) lines: readonly string[] = [];
  /** Signed in: may reply, resolve and comment. */
  @property({ type: Boolean }) canComment = false;
  /** May resolve or reopen the thread (its author, the pull request's author, a maintainer). */
  @property({ type: Boolean }) canResolve = false;
  /** May apply suggestions (the pull request's author). */
  @property({ type: Boolean }) canApply = false;
  /** The viewer has a pending review: a new comment joins it. */
  @property({ type: Boolean }) reviewing = false;

  @state() private _busy = false;
  @state() private _error: ApiError | null = null;
  @state() private _replying = false;

  private readonly _id = `fab-thread-${++nextId}`;
  private _locale = new LocaleController(this);

  override render() {
    const first = this.comments[0];
    if (!first) return this._renderNew();
    const resolved = first.resolver !== null;
    return html`
      <p class="fab-thread-head">
        <span>${rangeLabel(first)}</span>
        ${first.outdated ? html`<span class="fab-badge">${t('review.outdated')}</span>` : nothing}
        ${resolved ? html`<span class="fab-badge">${t('review.resolvedBy', { user: first.resolver?.login ?? '' })}</span>` : nothing}
      </p>
      ${first.outdated ? html`<pre class="fab-suggestion" aria-label=${t('review.originalLines')}>${first.original_lines.join('\n')}</pre>` : nothing}
      <ol>
        ${this.comments.map((comment) => this._renderComment(comment))}
      </ol>
      <div role="alert" class="fab-alert">${this._error ? apiErrorText(this._error, {}) : nothing}</div>
      ${this.canComment ? this._renderActions(first.thread_id, resolved) : nothing}
    `;
  }

  private _renderComment(comment: ReviewComment) {
    const applied = comment.suggestion_applied_sha !== null;
    return html`<li id=${`comment-${comment.id}`}>
      <p class="fab-author">
        ${comment.user.login} · <fab-relative-time .datetime=${comment.created_at}></fab-relative-time>
      </p>
      <fab-markdown .html=${comment.body_html} .level=${3}></fab-markdown>
      ${comment.suggestion
        ? html`<p>
            ${applied
              ? html`<span class="fab-badge">${t('review.suggestionApplied')}</span>`
              : this.canApply && !comment.outdated
                ? html`<button type="button" class="fab-button" ?disabled=${this._busy} @click=${() => this._apply(comment.id)}>
                    ${t('review.applySuggestion')}
                  </button>`
                : nothing}
          </p>`
        : nothing}
    </li>`;
  }

  private _renderActions(threadId: number, resolved: boolean) {
    const field = `${this._id}-reply`;
    return html`
      ${this._replying
        ? html`<form class="fab-form" @submit=${(e: Event) => this._reply(e, threadId)}>
            <div>
              <label for=${field}>${t('review.reply')}</label>
              <textarea id=${field} name="body" required></textarea>
            </div>
            <div class="fab-buttons">
              <button type="submit" class="fab-button" ?disabled=${this._busy}>${t('review.sendReply')}</button>
              <button type="button" class="fab-button fab-secondary" @click=${() => (this._replying = false)}>${t('review.cancel')}</button>
            </div>
          </form>`
        : html`<div class="fab-buttons">
            <button type="button" class="fab-button fab-secondary" @click=${this._openReply}>${t('review.reply')}</button>
            ${this.canResolve
              ? html`<button type="button" class="fab-button fab-secondary" ?disabled=${this._busy} @click=${() => this._resolve(threadId, !resolved)}>
                  ${t(resolved ? 'review.unresolve' : 'review.resolve')}
                </button>`
              : nothing}
          </div>`}
    `;
  }

  private _renderNew() {
    const range = this.range;
    if (!range) return nothing;
    const field = `${this._id}-body`;
    return html`<form class="fab-form" @submit=${this._start}>
      <div>
        <label for=${field}>${t('review.commentOn', { lines: rangeLabel(range) })}</label>
        <span class="fab-hint" id=${`${field}-hint`}>${t('review.markdownHint')}</span>
        <textarea id=${field} name="body" required aria-describedby=${`${field}-hint`}></textarea>
      </div>
      <div role="alert" class="fab-alert">${this._error ? apiErrorText(this._error, {}) : nothing}</div>
      <div class="fab-buttons">
        ${range.side === 'RIGHT'
          ? html`<button type="button" class="fab-button fab-secondary" @click=${this._suggest}>${t('review.insertSuggestion')}</button>`
          : nothing}
        <button type="submit" name="mode" value="review" class="fab-button" ?disabled=${this._busy}>
          ${t(this.reviewing ? 'review.addToReview' : 'review.startReview')}
        </button>
        <button type="submit" name="mode" value="single" class="fab-button fab-secondary" ?disabled=${this._busy}>${t('review.addSingle')}</button>
        <button type="button" class="fab-button fab-secondary" @click=${this._cancel}>${t('review.cancel')}</button>
      </div>
    </form>`;
  }

  private _openReply = async () => {
    this._replying = true;
    await this.updateComplete;
    this.querySelector<HTMLTextAreaElement>(`#${this._id}-reply`)?.focus();
  };

  private _suggest = () => {
    const area = this.querySelector<HTMLTextAreaElement>(`#${this._id}-body`);
    if (!area) return;
    const block = `\`\`\`suggestion\n${this.lines.join('\n')}\n\`\`\`\n`;
    area.value = area.value ? `${area.value}\n${block}` : block;
    area.focus();
  };

  private _cancel = () => {
    this.dispatchEvent(new CustomEvent('fab-review-cancel', { bubbles: true, composed: true }));
  };

  private async _run(action: () => Promise<unknown>): Promise<boolean> {
    this._busy = true;
    this._error = null;
    try {
      await action();
      this.dispatchEvent(new CustomEvent('fab-review-changed', { bubbles: true, composed: true }));
      return true;
    } catch (err) {
      this._error = asApiError(err);
      return false;
    } finally {
      this._busy = false;
    }
  }

  private _start = async (event: SubmitEvent) => {
    event.preventDefault();
    const range = this.range;
    const form = event.target as HTMLFormElement;
    const body = (form.elements.namedItem('body') as HTMLTextAreaElement).value;
    const single = (event.submitter as HTMLButtonElement | null)?.value === 'single';
    if (!range || !body.trim()) return;
    await this._run(() =>
      single
        ? createThread(this.owner, this.repo, this.number, range, body)
        : createReview(this.owner, this.repo, this.number, { event: 'PENDING', body: '', comments: [{ range, body }] }),
    );
  };

  private async _reply(event: Event, threadId: number) {
    event.preventDefault();
    const area = (event.target as HTMLFormElement).elements.namedItem('body') as HTMLTextAreaElement;
    if (!area.value.trim()) return;
    if (await this._run(() => replyToThread(this.owner, this.repo, this.number, threadId, area.value))) this._replying = false;
  }

  private _resolve(threadId: number, resolved: boolean) {
    return this._run(() => setThreadResolved(this.owner, this.repo, this.number, threadId, resolved));
  }

  private _apply(commentId: number) {
    return this._run(() => applySuggestion(this.owner, this.repo, this.number, commentId));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-review-thread': FabReviewThread;
  }
}

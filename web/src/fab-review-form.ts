import { css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { LightDomElement } from './light-dom-element.js';
import { LocaleController, t, type MessageKey } from './i18n/index.js';
import './i18n/areas/pulls.js';
import { createReview, submitReview, type PullReview, type ReviewEvent } from './api/pulls.js';
import { apiErrorText, asApiError, formStyles } from './forms.js';
import type { ApiError } from './api/client.js';

const VERDICTS: [ReviewEvent, MessageKey, MessageKey][] = [
  ['COMMENT', 'review.eventComment', 'review.eventCommentHint'],
  ['APPROVED', 'review.eventApprove', 'review.eventApproveHint'],
  ['REQUEST_CHANGES', 'review.eventRequestChanges', 'review.eventRequestChangesHint'],
];

/**
 * Finishing a review: a summary and a verdict (comment, approve, request changes). Submits the
 * viewer's pending review with its line comments, or a review without any. The author of the pull
 * request may only comment. Fires `fab-review-changed` once submitted.
 */
@customElement('fab-review-form')
export class FabReviewForm extends LightDomElement {
  static override styles = [
    formStyles,
    css`
      fab-review-form {
        display: block;
        margin: 1rem 0;
        padding: 0.75rem 1rem;
        border: 1px solid var(--fab-border);
        border-radius: var(--fab-radius);
        background: var(--fab-surface);
      }
      fab-review-form h2 {
        margin: 0;
        font-size: 1.125rem;
      }
      fab-review-form .fab-form {
        max-width: 48rem;
        margin-top: 0.75rem;
      }
      fab-review-form textarea {
        display: block;
        width: 100%;
        min-height: 5rem;
        margin-top: 0.25rem;
        padding: 0.5rem;
        font: inherit;
        border: 2px solid var(--fab-border);
        border-radius: var(--fab-radius);
      }
      fab-review-form .fab-verdict {
        display: flex;
        gap: 0.5rem;
        align-items: baseline;
        margin: 0.25rem 0;
      }
    `,
  ];

  @property() owner = '';
  @property() repo = '';
  @property({ type: Number }) number = 0;
  /** The viewer's pending review, holding the line comments written so far. */
  @property({ attribute: false }) pending: PullReview | null = null;
  /** The number of line comments in the pending review. */
  @property({ type: Number }) pendingComments = 0;
  /** The viewer wrote the pull request: no approval, no request for changes. */
  @property({ type: Boolean }) author = false;

  @state() private _busy = false;
  @state() private _error: ApiError | null = null;

  private _locale = new LocaleController(this);

  override render() {
    const verdicts = this.author ? VERDICTS.slice(0, 1) : VERDICTS;
    return html`
      <section aria-labelledby="fab-review-form-heading">
        <h2 id="fab-review-form-heading">${t('review.finish')}</h2>
        ${this.pending ? html`<p>${t('review.pendingCount', { count: this.pendingComments })}</p>` : nothing}
        <form class="fab-form" @submit=${this._submit}>
          <div>
            <label for="fab-review-body">${t('review.summary')}</label>
            <textarea id="fab-review-body" name="body"></textarea>
          </div>
          <fieldset>
            <legend>${t('review.verdict')}</legend>
            ${verdicts.map(
              ([event, label, hint], index) => html`<div class="fab-verdict fab-check">
                <input
                  type="radio"
                  id=${`fab-review-${event}`}
                  name="event"
                  value=${event}
                  ?checked=${index === 0}
                  aria-describedby=${`fab-review-${event}-hint`}
                />
                <label for=${`fab-review-${event}`}>${t(label)}</label>
                <span class="fab-hint" id=${`fab-review-${event}-hint`}>${t(hint)}</span>
              </div>`,
            )}
          </fieldset>
          <div role="alert" class="fab-alert">${this._error ? apiErrorText(this._error, {}) : nothing}</div>
          <button type="submit" class="fab-button" ?disabled=${this._busy}>${t('review.submit')}</button>
        </form>
      </section>
    `;
  }

  private _submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const verdict = (data.get('event') as ReviewEvent | null) ?? 'COMMENT';
    const body = String(data.get('body') ?? '');
    this._busy = true;
    this._error = null;
    try {
      if (this.pending) await submitReview(this.owner, this.repo, this.number, this.pending.id, { event: verdict, body });
      else await createReview(this.owner, this.repo, this.number, { event: verdict, body, comments: [] });
      form.reset();
      this.dispatchEvent(new CustomEvent('fab-review-changed', { bubbles: true, composed: true }));
    } catch (err) {
      this._error = asApiError(err);
    } finally {
      this._busy = false;
    }
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-review-form': FabReviewForm;
  }
}

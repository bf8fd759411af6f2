import { css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { LightDomElement } from './light-dom-element.js';
import { LocaleController, t, type MessageKey } from './i18n/index.js';
import { MERGE_STYLES, mergePull, type MergeStyle, type PullRequest, type PullReview } from './api/pulls.js';
import { apiErrorText, asApiError, formStyles } from './forms.js';
import type { ApiError } from './api/client.js';
import { RepoLinks, shortSha } from './browse-links.js';
import './fab-relative-time.js';

const STYLE_LABELS: Record<MergeStyle, MessageKey> = {
  merge: 'merge.styleMerge',
  squash: 'merge.styleSquash',
  'fast-forward-only': 'merge.styleFastForward',
  rebase: 'merge.styleRebase',
};

/** Each reviewer's latest verdict (approve or request changes), dismissed reviews left out. */
export function latestVerdicts(reviews: readonly PullReview[]): PullReview[] {
  const byUser = new Map<string, PullReview>();
  for (const review of reviews) {
    if (review.dismissed || (review.state !== 'APPROVED' && review.state !== 'REQUEST_CHANGES')) continue;
    byUser.set(review.user.login, review);
  }
  return [...byUser.values()];
}

/**
 * The merge box of an open or merged pull request: whether it is merged, or what blocks merging (conflicting
 * files named, changes requested, no approval yet), then for those who may merge the merge style,
 * the head branch's deletion and the button. Fires `fab-pull-changed` after merging.
 */
@customElement('fab-merge-box')
export class FabMergeBox extends LightDomElement {
  static override styles = [
    formStyles,
    css`
      fab-merge-box {
        display: block;
        margin: 1.5rem 0;
        padding: 0.75rem 1rem;
        border: 2px solid var(--fab-border);
        border-radius: var(--fab-radius);
      }
      fab-merge-box h2 {
        margin: 0 0 0.5rem;
        font-size: 1.125rem;
      }
      fab-merge-box ul {
        margin: 0.25rem 0;
      }
      fab-merge-box select {
        display: block;
        margin-top: 0.25rem;
        padding: 0.375rem 0.5rem;
        font: inherit;
        border: 2px solid var(--fab-border);
        border-radius: var(--fab-radius);
      }
      fab-merge-box .fab-form {
        margin-top: 0.75rem;
        gap: 0.75rem;
      }
      fab-merge-box code {
        font-family: var(--fab-mono);
      }
    `,
  ];

  @property() owner = '';
  @property() repo = '';
  @property({ attribute: false }) pull: PullRequest | null = null;
  @property({ attribute: false }) reviews: readonly PullReview[] = [];
  /** The viewer may push to the base branch. */
  @property({ type: Boolean }) canMerge = false;

  @state() private _busy = false;
  @state() private _error: ApiError | null = null;

  private _locale = new LocaleController(this);

  override render() {
    const pull = this.pull;
    // A closed pull request cannot be merged: the page says it is closed, and offers to reopen it.
    if (!pull || (pull.state === 'closed' && !pull.merged)) return nothing;
    return html`<section aria-labelledby="fab-merge-heading">
      <h2 id="fab-merge-heading">${t('merge.heading')}</h2>
      ${pull.merged ? this._renderMerged(pull) : this._renderOpen(pull)}
    </section>`;
  }

  private _renderMerged(pull: PullRequest) {
    const links = new RepoLinks(this.owner, this.repo);
    return html`<p class="fab-success" role="status">
      ${t('merge.merged', { user: pull.merged_by?.login ?? '', base: pull.base.ref })}
      ${pull.merged_at ? html`<fab-relative-time .datetime=${pull.merged_at}></fab-relative-time>` : nothing}
      ${pull.merge_commit_sha
        ? html` — <a href=${links.commit(pull.merge_commit_sha)}><code>${shortSha(pull.merge_commit_sha)}</code></a>`
        : nothing}
    </p>`;
  }

  private _renderOpen(pull: PullRequest) {
    const verdicts = latestVerdicts(this.reviews);
    const requested = verdicts.filter((v) => v.state === 'REQUEST_CHANGES');
    const approved = verdicts.filter((v) => v.state === 'APPROVED');
    const blockers = [];
    if (pull.mergeable_state === 'conflict') {
      blockers.push(html`<li>
        ${t('merge.conflict', { base: pull.base.ref })}
        <ul>
          ${pull.conflicted_files.map((file) => html`<li><code>${file}</code></li>`)}
        </ul>
      </li>`);
    }
    if (pull.mergeable_state === 'empty') blockers.push(html`<li>${t('merge.empty', { base: pull.base.ref })}</li>`);
    if (requested.length > 0) blockers.push(html`<li>${t('merge.changesRequested', { users: requested.map((r) => r.user.login).join(', ') })}</li>`);
    if (approved.length === 0) blockers.push(html`<li>${t('merge.noApproval')}</li>`);
    return html`
      ${pull.mergeable_state === 'checking' ? html`<p role="status">${t('merge.checking')}</p>` : nothing}
      ${pull.mergeable_state === 'mergeable' ? html`<p class="fab-success">${t('merge.clean', { base: pull.base.ref })}</p>` : nothing}
      ${approved.length > 0 ? html`<p>${t('merge.approvedBy', { users: approved.map((r) => r.user.login).join(', ') })}</p>` : nothing}
      ${blockers.length > 0
        ? html`<div class="fab-warning">
            <p>${t('merge.blockers')}</p>
            <ul>
              ${blockers}
            </ul>
          </div>`
        : nothing}
      ${this.canMerge ? this._renderForm(pull) : html`<p>${t('merge.onlyMaintainers')}</p>`}
    `;
  }

  private _renderForm(pull: PullRequest) {
    const disabled = this._busy || pull.mergeable_state === 'conflict' || pull.mergeable_state === 'empty';
    return html`<form class="fab-form" @submit=${this._merge}>
      <div>
        <label for="fab-merge-style">${t('merge.style')}</label>
        <select id="fab-merge-style" name="style">
          ${MERGE_STYLES.map((style) => html`<option value=${style}>${t(STYLE_LABELS[style])}</option>`)}
        </select>
      </div>
      <div>
        <input type="checkbox" id="fab-merge-delete" name="delete" />
        <label for="fab-merge-delete">${t('merge.deleteBranch', { branch: pull.head.label })}</label>
      </div>
      <div role="alert" class="fab-alert">${this._error ? apiErrorText(this._error, {}) : nothing}</div>
      <button type="submit" class="fab-button" ?disabled=${disabled}>${t('merge.submit')}</button>
    </form>`;
  }

  private _merge = async (event: SubmitEvent) => {
    event.preventDefault();
    const pull = this.pull;
    if (!pull) return;
    const data = new FormData(event.target as HTMLFormElement);
    this._busy = true;
    this._error = null;
    try {
      await mergePull(this.owner, this.repo, pull.number, {
        style: data.get('style') as MergeStyle,
        deleteBranch: data.get('delete') === 'on',
        headCommitId: pull.head.sha,
      });
      this.dispatchEvent(new CustomEvent('fab-pull-changed', { bubbles: true, composed: true }));
    } catch (err) {
      this._error = asApiError(err);
    } finally {
      this._busy = false;
    }
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-merge-box': FabMergeBox;
  }
}

import { css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { LightDomElement } from './light-dom-element.js';
import { LocaleController, t, type MessageKey } from './i18n/index.js';
import './i18n/areas/browse.js';
import './i18n/areas/pulls.js';
import { MERGE_STYLES, editPull, mergePull, type MergeReason, type MergeStyle, type PullRequest } from './api/pulls.js';
import { apiErrorText, asApiError, formStyles } from './forms.js';
import type { ApiError } from './api/client.js';
import { RepoLinks, shortSha } from './browse-links.js';
import './fab-relative-time.js';
import './fab-commit-status.js';
import { cancelAutoMerge, getCombinedStatus, type CombinedStatus } from './api/statuses.js';
import { MERGE_STYLE_SETTINGS } from '../../contract/merge-styles.js';
import type { Repository } from '../../contract/repositories.js';

const STYLE_LABELS: Record<MergeStyle, MessageKey> = {
  merge: 'merge.styleMerge',
  squash: 'merge.styleSquash',
  'fast-forward-only': 'merge.styleFastForward',
  rebase: 'merge.styleRebase',
};

/** The styles the base repository allows, its default first (every style when the repository is not known). */
function offeredStyles(repo: Repository | null): MergeStyle[] {
  if (!repo) return [...MERGE_STYLES];
  const allowed = MERGE_STYLES.filter((style) => repo[MERGE_STYLE_SETTINGS[style]]);
  return allowed.sort((a, b) => Number(b === repo.default_merge_style) - Number(a === repo.default_merge_style));
}

/**
 * The merge box of an open or merged pull request, driven by the server's `merge_state`: what blocks
 * the merge (a branch protection rule, conflicts named by file) disables the button and says why;
 * advice (changes requested, no approval, where no rule requires otherwise) lets a writer merge after
 * an explicit confirmation. Then the merge style, the head branch's deletion and the button. Fires
 * `fab-pull-changed` after merging.
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
      fab-merge-box .fab-advice {
        padding: 0.5rem 0.75rem;
        border-left: 4px solid var(--fab-border);
        background: var(--fab-surface);
      }
      fab-merge-box .fab-advice p {
        margin: 0 0 0.25rem;
      }
      fab-merge-box .fab-actions {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
      }
      fab-merge-box h3 {
        margin: 0.5rem 0 0.25rem;
        font-size: 1rem;
      }
      fab-merge-box .fab-checks {
        padding: 0;
        list-style: none;
      }
      fab-merge-box .fab-checks li {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem 0.5rem;
        align-items: baseline;
        padding: 0.25rem 0;
      }
      fab-merge-box .fab-checks .fab-check-description {
        color: var(--fab-muted);
      }
    `,
  ];

  @property() owner = '';
  @property() repo = '';
  @property({ attribute: false }) pull: PullRequest | null = null;
  /** The viewer may push to the base branch. */
  @property({ type: Boolean }) canMerge = false;
  /** The viewer may mark a draft ready (its author, or a writer). */
  @property({ type: Boolean }) canMarkReady = false;

  @state() private _busy = false;
  /** The writer asked to merge past the advice: the form now asks for the confirmation. */
  @state() private _confirming = false;
  @state() private _error: ApiError | null = null;

  private _locale = new LocaleController(this);

  /** The head's statuses, read again whenever the head changes. */
  private _checks = new Task(this, {
    task: ([owner, repo, sha], { signal }): Promise<CombinedStatus | null> => (sha ? getCombinedStatus(owner, repo, sha, signal) : Promise.resolve(null)),
    args: () => [this.owner, this.repo, this.pull?.head.sha ?? ''] as const,
  });

  override render() {
    const pull = this.pull;
    // A closed pull request cannot be merged: the page says it is closed, and offers to reopen it.
    if (!pull || (pull.state === 'closed' && !pull.merged)) return nothing;
    return html`<section aria-labelledby="fab-merge-heading">
      <h2 id="fab-merge-heading">${t('merge.heading')}</h2>
      ${this._checks.render({ complete: (combined) => this._renderChecks(combined) })}
      ${pull.merged ? this._renderMerged(pull) : this._renderOpen(pull)}
    </section>`;
  }

  /** Each context's latest state, description, link (http(s) only) and time, under the combined state. */
  private _renderChecks(combined: CombinedStatus | null) {
    if (!combined || combined.state === '') return nothing;
    const safe = (url: string) => /^https?:\/\//i.test(url);
    return html`<div class="fab-checks-box">
      <h3><fab-commit-status .state=${combined.state}></fab-commit-status> ${t('status.heading')}</h3>
      <ul class="fab-checks">
        ${combined.statuses.map(
          (status) => html`<li data-context=${status.context}>
            <fab-commit-status .state=${status.status}></fab-commit-status>
            <strong>${status.context}</strong>
            ${status.description ? html`<span class="fab-check-description">${status.description}</span>` : nothing}
            <fab-relative-time .datetime=${status.updated_at}></fab-relative-time>
            ${safe(status.target_url)
              ? html`<a href=${status.target_url} rel="noopener nofollow" aria-label=${t('status.details', { context: status.context })}>${t('status.detailsLink')}</a>`
              : nothing}
          </li>`,
        )}
      </ul>
    </div>`;
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
    const state = pull.merge_state;
    const blocked = state.status === 'blocked';
    return html`
      ${pull.mergeable_state === 'checking' ? html`<p role="status">${t('merge.checking')}</p>` : nothing}
      ${pull.mergeable_state === 'mergeable' ? html`<p class="fab-success">${t('merge.clean', { base: pull.base.ref })}</p>` : nothing}
      ${state.approved_by.length > 0 ? html`<p>${t('merge.approvedBy', { users: state.approved_by.join(', ') })}</p>` : nothing}
      ${blocked
        ? html`<div class="fab-warning" id="fab-merge-blockers">
            <p>${state.protection ? t('merge.blockedByRule', { rule: state.protection }) : t('merge.blockers')}</p>
            <ul>
              ${state.blockers.map((reason) => html`<li data-code=${reason.code}>${this._reasonText(pull, reason)}</li>`)}
            </ul>
          </div>`
        : nothing}
      ${state.advice.length > 0
        ? html`<div class="fab-advice" id="fab-merge-advice">
            <p>${t('merge.adviceHeading')}</p>
            <ul>
              ${state.advice.map((reason) => html`<li data-code=${reason.code}>${this._reasonText(pull, reason)}</li>`)}
            </ul>
          </div>`
        : nothing}
      ${state.checks.auto_merge
        ? html`<div class="fab-advice" id="fab-auto-merge" role="status">
            <p>${t('merge.autoMergeBy', { user: state.checks.auto_merge.doer })}</p>
            ${this.canMerge
              ? html`<button type="button" class="fab-button fab-secondary" ?disabled=${this._busy} @click=${this._cancelAutoMerge}>${t('merge.autoMergeCancel')}</button>`
              : nothing}
          </div>`
        : nothing}
      ${this.canMerge ? this._renderForm(pull) : html`<p>${t('merge.onlyMaintainers')}</p>`}
    `;
  }

  private _reasonText(pull: PullRequest, reason: MergeReason) {
    const base = pull.base.ref;
    switch (reason.code) {
      case 'conflict':
        return html`${t('merge.conflict', { base })}
          <ul>
            ${reason.names.map((file) => html`<li><code>${file}</code></li>`)}
          </ul>`;
      case 'empty':
        return t('merge.empty', { base });
      case 'changes_requested':
        return t('merge.changesRequested', { users: reason.names.join(', ') });
      case 'approvals':
        return reason.required > 0 ? t('merge.approvalsRequired', { required: reason.required, count: reason.count }) : t('merge.noApproval');
      case 'status_checks':
        return t('merge.statusChecksUnmet', { contexts: reason.names.join(', ') });
      case 'closed':
        return t('merge.closed');
      case 'draft':
        return html`${t('merge.draft')}
          ${this.canMarkReady
            ? html`<button type="button" class="fab-button fab-secondary" ?disabled=${this._busy} @click=${this._markReady}>${t('pulls.markReady')}</button>`
            : nothing}
          ${!this.canMerge && this._error ? html`<span role="alert">${apiErrorText(this._error, {})}</span>` : nothing}`;
    }
  }

  /** Drops the draft prefix of the title; the page reloads the pull request and its merge state. */
  private _markReady = async () => {
    const pull = this.pull;
    if (!pull) return;
    this._busy = true;
    this._error = null;
    try {
      await editPull(this.owner, this.repo, pull.number, { draft: false });
      this.dispatchEvent(new CustomEvent('fab-pull-changed', { bubbles: true, composed: true }));
    } catch (err) {
      this._error = asApiError(err);
    } finally {
      this._busy = false;
    }
  };

  private _renderForm(pull: PullRequest) {
    const state = pull.merge_state;
    const blocked = state.status === 'blocked';
    const described = blocked ? 'fab-merge-blockers' : state.advice.length > 0 ? 'fab-merge-advice' : undefined;
    const styles = offeredStyles(pull.base.repo);
    if (styles.length === 0) return html`<p class="fab-warning">${t('merge.noStyleAllowed')}</p>`;
    return html`<form class="fab-form" @submit=${this._merge}>
      <div>
        <label for="fab-merge-style">${t('merge.style')}</label>
        <select id="fab-merge-style" name="style">
          ${styles.map((style) => html`<option value=${style}>${t(STYLE_LABELS[style])}</option>`)}
        </select>
      </div>
      <div>
        <input type="checkbox" id="fab-merge-delete" name="delete" />
        <label for="fab-merge-delete">${t('merge.deleteBranch', { branch: pull.head.label })}</label>
      </div>
      <div role="alert" class="fab-alert">${this._error ? apiErrorText(this._error, {}) : nothing}</div>
      ${this._confirming
        ? html`<div class="fab-advice" role="group" aria-labelledby="fab-merge-confirm-text">
            <p id="fab-merge-confirm-text">${t('merge.confirmText')}</p>
            <div class="fab-actions">
              <button type="submit" class="fab-button" ?disabled=${this._busy}>${t('merge.confirm')}</button>
              <button type="button" class="fab-button fab-secondary" @click=${() => (this._confirming = false)}>${t('merge.cancel')}</button>
            </div>
          </div>`
        : html`<button type="submit" class="fab-button" ?disabled=${this._busy || blocked} aria-describedby=${described ?? nothing}>
              ${t('merge.submit')}
            </button>
            ${blocked ? html`<p class="fab-hint">${t('merge.blockedHint')}</p>` : nothing}
            ${this._mayScheduleAutoMerge(pull)
              ? html`<button type="button" class="fab-button fab-secondary" ?disabled=${this._busy} @click=${this._mergeWhenChecksSucceed}>
                  ${t('merge.whenChecksSucceed')}
                </button>`
              : nothing}`}
    </form>`;
  }

  /** Checks still pending or required, none scheduled yet, and nothing that no check can lift (conflicts, an empty pull request). */
  private _mayScheduleAutoMerge(pull: PullRequest): boolean {
    const { checks, blockers } = pull.merge_state;
    if (checks.auto_merge || blockers.some((b) => b.code === 'conflict' || b.code === 'empty' || b.code === 'closed')) return false;
    return !checks.required_passed || checks.state === 'pending';
  }

  private _mergeWhenChecksSucceed = async () => {
    const pull = this.pull;
    const form = this.querySelector('form');
    if (!pull || !form) return;
    await this._send(async () => {
      const data = new FormData(form);
      await mergePull(this.owner, this.repo, pull.number, {
        style: data.get('style') as MergeStyle,
        deleteBranch: data.get('delete') === 'on',
        headCommitId: pull.head.sha,
        whenChecksSucceed: true,
      });
    });
  };

  private _cancelAutoMerge = async () => {
    const pull = this.pull;
    if (pull) await this._send(() => cancelAutoMerge(this.owner, this.repo, pull.number));
  };

  /** Runs a change, shows its error, and tells the page to read the pull request again. */
  private async _send(change: () => Promise<void>): Promise<void> {
    this._busy = true;
    this._error = null;
    try {
      await change();
      this.dispatchEvent(new CustomEvent('fab-pull-changed', { bubbles: true, composed: true }));
    } catch (err) {
      this._error = asApiError(err);
    } finally {
      this._busy = false;
    }
  }

  private _merge = async (event: SubmitEvent) => {
    event.preventDefault();
    const pull = this.pull;
    if (!pull) return;
    // Advice is the writer's to override, but only once they have said so.
    if (pull.merge_state.advice.length > 0 && !this._confirming) {
      this._confirming = true;
      return;
    }
    const data = new FormData(event.target as HTMLFormElement);
    this._busy = true;
    this._error = null;
    try {
      await mergePull(this.owner, this.repo, pull.number, {
        style: data.get('style') as MergeStyle,
        deleteBranch: data.get('delete') === 'on',
        headCommitId: pull.head.sha,
      });
      this._confirming = false;
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

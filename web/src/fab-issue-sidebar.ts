import { css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { LightDomElement } from './light-dom-element.js';
import { LocaleController, t, type MessageKey } from './i18n/index.js';
import './i18n/areas/issues.js';
import { ApiError } from './api/client.js';
import {
  editIssue,
  listAssignees,
  listLabels,
  listMilestones,
  replaceIssueLabels,
  setIssueLocked,
  setIssuePinned,
  type Issue,
} from './api/issues.js';
import { apiErrorText, asApiError } from './forms.js';
import './fab-issue-label.js';

/**
 * The side of an issue: its labels, milestone and assignees for every reader; for writers, a form
 * for each (applied on its own button) and the lock and pin switches. Fires `fab-issue-changed`
 * after a change, so that the page reloads the issue and its timeline.
 */
@customElement('fab-issue-sidebar')
export class FabIssueSidebar extends LightDomElement {
  static override styles = css`
    fab-issue-sidebar {
      display: grid;
      gap: 1rem;
      min-width: 0;
    }
    fab-issue-sidebar section {
      padding-bottom: 0.75rem;
      border-bottom: 1px solid var(--fab-border);
    }
    fab-issue-sidebar h2 {
      margin: 0 0 0.5rem;
      font-size: 1rem;
    }
    fab-issue-sidebar ul {
      display: flex;
      flex-wrap: wrap;
      gap: 0.375rem 0.75rem;
      margin: 0;
      padding: 0;
      list-style: none;
    }
    fab-issue-sidebar details {
      margin-top: 0.5rem;
    }
    fab-issue-sidebar summary {
      color: var(--fab-accent);
      cursor: pointer;
    }
    fab-issue-sidebar form {
      display: grid;
      gap: 0.5rem;
      margin-top: 0.5rem;
    }
    fab-issue-sidebar form ul {
      display: grid;
      gap: 0.375rem;
    }
    fab-issue-sidebar input:not([type='checkbox']),
    fab-issue-sidebar select {
      width: 100%;
      padding: 0.375rem;
      font: inherit;
      border: 2px solid var(--fab-border);
      border-radius: var(--fab-radius);
    }
    fab-issue-sidebar .fab-none {
      margin: 0;
      color: var(--fab-muted);
    }
  `;

  @property() owner = '';
  @property() repo = '';
  @property({ attribute: false }) issue: Issue | null = null;
  /** Write access (and the repository not archived): the forms and switches show. */
  @property({ type: Boolean }) writer = false;

  @state() private _busy = false;
  @state() private _error: ApiError | null = null;

  private _locale = new LocaleController(this);

  // Only writers choose: readers see what the issue carries and load nothing more.
  private _choices = new Task(this, {
    task: async ([owner, repo, writer], { signal }) => {
      if (!writer) return null;
      const [labels, milestones, assignees] = await Promise.all([listLabels(owner, repo, signal), listMilestones(owner, repo, signal), listAssignees(owner, repo, signal)]);
      return { labels, milestones, assignees };
    },
    args: () => [this.owner, this.repo, this.writer] as const,
  });

  override render() {
    const issue = this.issue;
    if (!issue) return nothing;
    const choices = this._choices.value;
    const none = (key: MessageKey) => html`<p class="fab-none">${t(key)}</p>`;
    return html`
      <section aria-labelledby="fab-side-labels">
        <h2 id="fab-side-labels">${t('issue.labels')}</h2>
        ${issue.labels.length > 0
          ? html`<ul>
              ${issue.labels.map((label) => html`<li><fab-issue-label .label=${label}></fab-issue-label></li>`)}
            </ul>`
          : none('issue.noLabels')}
        ${this.writer && choices
          ? html`<details>
              <summary>${t('issue.editLabels')}</summary>
              <form @submit=${this._saveLabels}>
                <fieldset>
                  <legend class="visually-hidden">${t('issue.labels')}</legend>
                  <ul>
                    ${choices.labels.map(
                      (label) => html`<li>
                        <input type="checkbox" id=${`fab-side-label-${label.id}`} name="labels" value=${label.id} .checked=${issue.labels.some((l) => l.id === label.id)} />
                        <label for=${`fab-side-label-${label.id}`}><fab-issue-label .label=${label}></fab-issue-label></label>
                      </li>`,
                    )}
                  </ul>
                </fieldset>
                <button type="submit" class="fab-button" ?disabled=${this._busy}>${t('issue.applyLabels')}</button>
              </form>
            </details>`
          : nothing}
      </section>
      <section aria-labelledby="fab-side-milestone">
        <h2 id="fab-side-milestone">${t('issues.milestone')}</h2>
        ${issue.milestone ? html`<p class="fab-none">${issue.milestone.title}</p>` : none('issue.noMilestone')}
        ${this.writer && choices
          ? html`<form @submit=${this._saveMilestone}>
              <label for="fab-side-milestone-select" class="visually-hidden">${t('issues.milestone')}</label>
              <select id="fab-side-milestone-select" name="milestone">
                <option value="0" ?selected=${!issue.milestone}>${t('issue.noMilestone')}</option>
                ${choices.milestones.map((m) => html`<option value=${m.id} ?selected=${issue.milestone?.id === m.id}>${m.title}</option>`)}
              </select>
              <button type="submit" class="fab-button" ?disabled=${this._busy}>${t('issue.applyMilestone')}</button>
            </form>`
          : nothing}
      </section>
      <section aria-labelledby="fab-side-assignees">
        <h2 id="fab-side-assignees">${t('issue.assignees')}</h2>
        ${issue.assignees.length > 0
          ? html`<ul>
              ${issue.assignees.map((user) => html`<li><a href=${`/${encodeURIComponent(user.login)}`}>${user.login}</a></li>`)}
            </ul>`
          : none('issue.noAssignees')}
        ${this.writer && choices
          ? html`<details>
              <summary>${t('issue.editAssignees')}</summary>
              <form @submit=${this._saveAssignees}>
                <fieldset>
                  <legend class="visually-hidden">${t('issue.assignees')}</legend>
                  <ul>
                    ${this._assignable(issue, choices.assignees).map(
                      (user) => html`<li>
                        <input type="checkbox" id=${`fab-side-assignee-${user.id}`} name="assignees" value=${user.login} .checked=${issue.assignees.some((a) => a.id === user.id)} />
                        <label for=${`fab-side-assignee-${user.id}`}>${user.login}</label>
                      </li>`,
                    )}
                  </ul>
                </fieldset>
                <button type="submit" class="fab-button" ?disabled=${this._busy}>${t('issue.applyAssignees')}</button>
              </form>
            </details>`
          : nothing}
      </section>
      ${this.writer
        ? html`<section aria-labelledby="fab-side-moderation">
            <h2 id="fab-side-moderation">${t('issue.moderation')}</h2>
            <ul>
              <li>
                <button type="button" class="fab-button fab-secondary" ?disabled=${this._busy} @click=${() => this._change(() => setIssueLocked(this.owner, this.repo, issue.number, !issue.is_locked))}>
                  ${t(issue.is_locked ? 'issue.unlock' : 'issue.lock')}
                </button>
              </li>
              <li>
                <button type="button" class="fab-button fab-secondary" ?disabled=${this._busy} @click=${() => this._change(() => setIssuePinned(this.owner, this.repo, issue.number, issue.pin_order === 0))}>
                  ${t(issue.pin_order > 0 ? 'issue.unpin' : 'issue.pin')}
                </button>
              </li>
            </ul>
          </section>`
        : nothing}
      <div role="alert" class="fab-alert">${this._error ? apiErrorText(this._error, {}) : nothing}</div>
    `;
  }

  private async _change(change: () => Promise<unknown>) {
    this._busy = true;
    this._error = null;
    try {
      await change();
      this.dispatchEvent(new CustomEvent('fab-issue-changed', { bubbles: true, composed: true }));
    } catch (err) {
      this._error = asApiError(err);
    } finally {
      this._busy = false;
    }
  }

  private _saveLabels = (event: SubmitEvent) => {
    event.preventDefault();
    const ids = new FormData(event.target as HTMLFormElement).getAll('labels').map(Number);
    const issue = this.issue;
    if (issue) void this._change(() => replaceIssueLabels(this.owner, this.repo, issue.number, ids));
  };

  private _saveMilestone = (event: SubmitEvent) => {
    event.preventDefault();
    const id = Number(new FormData(event.target as HTMLFormElement).get('milestone') ?? 0);
    const issue = this.issue;
    if (issue) void this._change(() => editIssue(this.owner, this.repo, issue.number, { milestone: id }));
  };

  /** Who may be assigned, and those assigned now even if they lost write access, so that they can be unassigned. */
  private _assignable(issue: Issue, assignable: Issue['assignees']): Issue['assignees'] {
    return [...issue.assignees.filter((a) => !assignable.some((u) => u.id === a.id)), ...assignable];
  }

  private _saveAssignees = (event: SubmitEvent) => {
    event.preventDefault();
    const logins = new FormData(event.target as HTMLFormElement).getAll('assignees').map(String);
    const issue = this.issue;
    if (issue) void this._change(() => editIssue(this.owner, this.repo, issue.number, { assignees: logins }));
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-issue-sidebar': FabIssueSidebar;
  }
}

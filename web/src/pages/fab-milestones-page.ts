import { css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { LightDomElement } from '../light-dom-element.js';
import { LocaleController, t, type MessageKey } from '../i18n/index.js';
import '../i18n/areas/issues.js';
import { ApiError } from '../api/client.js';
import { getRepository } from '../api/browse.js';
import { createMilestone, deleteMilestone, editMilestone, listMilestones, type Milestone } from '../api/issues.js';
import { fullDate, RepoLinks } from '../browse-links.js';
import { apiErrorText, asApiError, formStyles } from '../forms.js';
import { SessionController } from '../session.js';
import { renderTask } from '../task-status.js';
import '../fab-repo-header.js';

/** The `YYYY-MM-DD` a date field shows for a due date, or empty. */
const dateField = (iso: string | null) => (iso ? iso.slice(0, 10) : '');

/**
 * `/{owner}/{repo}/milestones`: open milestones first, each with its due date, description and a
 * progress bar (closed issues out of all); writers create, edit, close, reopen and delete them.
 */
@customElement('fab-milestones-page')
export class FabMilestonesPage extends LightDomElement {
  static override styles = [
    formStyles,
    css`
      fab-milestones-page ul.fab-milestones {
        margin: 1rem 0;
        padding: 0;
        list-style: none;
        border: 1px solid var(--fab-border);
        border-radius: var(--fab-radius);
      }
      fab-milestones-page ul.fab-milestones > li {
        padding: 0.75rem;
        overflow-wrap: anywhere;
      }
      fab-milestones-page ul.fab-milestones > li + li {
        border-top: 1px solid var(--fab-border);
      }
      fab-milestones-page h2 {
        margin: 0;
        font-size: 1.125rem;
      }
      fab-milestones-page .fab-milestone-info {
        margin: 0.25rem 0;
        color: var(--fab-muted);
      }
      fab-milestones-page progress {
        width: 100%;
        max-width: 32rem;
        height: 0.75rem;
        accent-color: var(--fab-success);
      }
      fab-milestones-page .fab-actions {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 1rem;
        align-items: center;
        margin-top: 0.5rem;
      }
    `,
  ];

  @property() owner = '';
  @property() repo = '';

  @state() private _editing: number | 'new' | null = null;
  @state() private _deleting: number | null = null;
  @state() private _busy = false;
  @state() private _error: ApiError | null = null;
  @state() private _done: string | null = null;

  private _locale = new LocaleController(this);
  private _session = new SessionController(this);

  private _data = new Task(this, {
    task: async ([owner, repo], { signal }) => {
      const [repository, milestones] = await Promise.all([getRepository(owner, repo, signal), listMilestones(owner, repo, signal)]);
      // Open ones first, as the list is a plan.
      milestones.sort((a, b) => (a.state === b.state ? 0 : a.state === 'open' ? -1 : 1));
      return { milestones, writer: (repository.permissions?.push ?? false) && !repository.archived };
    },
    args: () => [this.owner, this.repo] as const,
  });

  override render() {
    return html`
      <fab-repo-header .owner=${this.owner} .repo=${this.repo} tab="issues"></fab-repo-header>
      <h1>${t('milestones.title')}</h1>
      ${renderTask(this._data, ({ milestones, writer }) => this._renderList(milestones, writer && this._session.user !== null))}
      <div role="status" class="visually-hidden">${this._done ?? nothing}</div>
    `;
  }

  private _renderList(milestones: Milestone[], writer: boolean) {
    const issues = `${new RepoLinks(this.owner, this.repo).home}/issues`;
    return html`
      ${writer
        ? this._editing === 'new'
          ? this._renderForm(null)
          : html`<p><button type="button" class="fab-button" @click=${() => (this._editing = 'new')}>${t('milestones.new')}</button></p>`
        : nothing}
      <div role="alert" class="fab-alert">${this._error ? apiErrorText(this._error, {}) : nothing}</div>
      ${milestones.length === 0
        ? html`<p>${t('milestones.none')}</p>`
        : html`<ul class="fab-milestones">
            ${milestones.map((m) => {
              const total = m.open_issues + m.closed_issues;
              const percent = total === 0 ? 0 : Math.round((m.closed_issues / total) * 100);
              const id = `fab-milestone-${m.id}`;
              return html`<li>
                <h2 id=${id}><a href=${`${issues}?milestone=${encodeURIComponent(m.title)}`}>${m.title}</a></h2>
                <p class="fab-milestone-info">
                  ${t(m.state === 'open' ? 'milestones.stateOpen' : 'milestones.stateClosed')}
                  ${m.due_on ? html` · ${t('milestones.due', { date: fullDate(m.due_on) })}` : nothing}
                  · ${t('milestones.progress', { percent, open: m.open_issues, closed: m.closed_issues })}
                </p>
                <progress max="100" value=${percent} aria-labelledby=${id}>${percent} %</progress>
                ${m.description ? html`<p>${m.description}</p>` : nothing}
                ${writer ? this._renderActions(m) : nothing} ${this._editing === m.id ? this._renderForm(m) : nothing}
              </li>`;
            })}
          </ul>`}
    `;
  }

  private _renderActions(m: Milestone) {
    if (this._deleting === m.id)
      return html`<p class="fab-actions">
        <button type="button" class="fab-button fab-danger" ?disabled=${this._busy} @click=${() => this._run(() => deleteMilestone(this.owner, this.repo, m.id), 'milestones.deleted', m.title)}>
          ${t('milestones.confirmDelete', { title: m.title })}
        </button>
        <button type="button" class="fab-button fab-secondary" @click=${() => (this._deleting = null)}>${t('issue.cancel')}</button>
      </p>`;
    const next = m.state === 'open' ? 'closed' : 'open';
    return html`<p class="fab-actions">
      <button type="button" class="fab-button fab-secondary" aria-label=${t('milestones.editNamed', { title: m.title })} @click=${() => (this._editing = m.id)}>${t('issue.edit')}</button>
      <button
        type="button"
        class="fab-button fab-secondary"
        ?disabled=${this._busy}
        aria-label=${t(next === 'closed' ? 'milestones.closeNamed' : 'milestones.reopenNamed', { title: m.title })}
        @click=${() => this._run(() => editMilestone(this.owner, this.repo, m.id, { state: next }), 'milestones.saved', m.title)}
      >
        ${t(next === 'closed' ? 'milestones.close' : 'milestones.reopen')}
      </button>
      <button type="button" class="fab-button fab-secondary" aria-label=${t('milestones.deleteNamed', { title: m.title })} @click=${() => (this._deleting = m.id)}>${t('labels.delete')}</button>
    </p>`;
  }

  private _renderForm(m: Milestone | null) {
    const id = m ? `fab-milestone-form-${m.id}` : 'fab-milestone-new';
    return html`<form class="fab-form" aria-label=${m ? t('milestones.editNamed', { title: m.title }) : t('milestones.new')} @submit=${(e: SubmitEvent) => this._save(e, m)}>
      <div>
        <label for=${`${id}-title`}>${t('milestones.titleField')}</label>
        <input id=${`${id}-title`} name="title" required maxlength="255" .value=${m?.title ?? ''} />
      </div>
      <div>
        <label for=${`${id}-due`}>${t('milestones.dueField')}</label>
        <input id=${`${id}-due`} name="due_on" type="date" .value=${dateField(m?.due_on ?? null)} />
      </div>
      <div>
        <label for=${`${id}-description`}>${t('labels.description')}</label>
        <textarea id=${`${id}-description`} name="description" .value=${m?.description ?? ''}></textarea>
      </div>
      <p class="fab-actions">
        <button type="submit" class="fab-button" ?disabled=${this._busy}>${t(m ? 'issue.save' : 'milestones.create')}</button>
        <button type="button" class="fab-button fab-secondary" @click=${() => (this._editing = null)}>${t('issue.cancel')}</button>
      </p>
    </form>`;
  }

  private async _run(change: () => Promise<unknown>, done: MessageKey, title: string) {
    this._busy = true;
    this._error = null;
    this._done = null;
    try {
      await change();
      this._editing = null;
      this._deleting = null;
      this._done = t(done, { title });
      void this._data.run();
    } catch (err) {
      this._error = asApiError(err);
    } finally {
      this._busy = false;
    }
  }

  private _save(event: SubmitEvent, m: Milestone | null) {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const due = String(data.get('due_on') ?? '');
    const input = {
      title: String(data.get('title') ?? '').trim(),
      description: String(data.get('description') ?? ''),
      // A date field gives a day; the API takes a moment: the end of that day, UTC.
      due_on: due ? `${due}T23:59:59Z` : null,
    };
    return this._run(() => (m ? editMilestone(this.owner, this.repo, m.id, input) : createMilestone(this.owner, this.repo, input)), 'milestones.saved', input.title);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-milestones-page': FabMilestonesPage;
  }
}

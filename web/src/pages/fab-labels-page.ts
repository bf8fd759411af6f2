import { css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { LightDomElement } from '../light-dom-element.js';
import { LocaleController, t, type MessageKey } from '../i18n/index.js';
import '../i18n/areas/issues.js';
import { ApiError } from '../api/client.js';
import { getRepository } from '../api/browse.js';
import { createLabel, deleteLabel, editLabel, listLabels, type Label } from '../api/issues.js';
import { RepoLinks } from '../browse-links.js';
import { apiErrorText, asApiError, formStyles } from '../forms.js';
import { SessionController } from '../session.js';
import { renderTask } from '../task-status.js';
import '../fab-repo-header.js';
import '../fab-issue-label.js';

/** A new label's colour until its writer picks one. */
const DEFAULT_COLOR = '#1d76db';

/**
 * `/{owner}/{repo}/labels`: the repository's labels, each linking to the open issues that carry
 * it; writers create, edit and delete them (deleting asks to confirm first).
 */
@customElement('fab-labels-page')
export class FabLabelsPage extends LightDomElement {
  static override styles = [
    formStyles,
    css`
      fab-labels-page ul.fab-labels {
        margin: 1rem 0;
        padding: 0;
        list-style: none;
        border: 1px solid var(--fab-border);
        border-radius: var(--fab-radius);
      }
      fab-labels-page ul.fab-labels > li {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 1rem;
        align-items: center;
        padding: 0.5rem 0.75rem;
        overflow-wrap: anywhere;
      }
      fab-labels-page ul.fab-labels > li + li {
        border-top: 1px solid var(--fab-border);
      }
      fab-labels-page .fab-label-description {
        flex: 1 1 12rem;
        margin: 0;
        color: var(--fab-muted);
      }
      fab-labels-page .fab-actions {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: center;
      }
      fab-labels-page .fab-label-form {
        flex: 1 1 100%;
        max-width: 36rem;
        margin-top: 0;
      }
      fab-labels-page .fab-form .fab-check label {
        display: inline;
      }
      fab-labels-page .fab-form input[type='color'] {
        width: 4rem;
        height: 2.5rem;
        padding: 0.125rem;
      }
    `,
  ];

  @property() owner = '';
  @property() repo = '';

  /** The label being edited, or `new` for the creation form. */
  @state() private _editing: number | 'new' | null = null;
  /** The label whose deletion waits for confirmation. */
  @state() private _deleting: number | null = null;
  @state() private _busy = false;
  @state() private _error: ApiError | null = null;
  @state() private _done: string | null = null;

  private _locale = new LocaleController(this);
  private _session = new SessionController(this);

  private _data = new Task(this, {
    task: async ([owner, repo], { signal }) => {
      const [repository, labels] = await Promise.all([getRepository(owner, repo, signal), listLabels(owner, repo, signal)]);
      return { labels, writer: (repository.permissions?.push ?? false) && !repository.archived };
    },
    args: () => [this.owner, this.repo] as const,
  });

  override render() {
    return html`
      <fab-repo-header .owner=${this.owner} .repo=${this.repo} tab="issues"></fab-repo-header>
      <h1>${t('labels.title')}</h1>
      ${renderTask(this._data, ({ labels, writer }) => this._renderLabels(labels, writer && this._session.user !== null))}
      <div role="status" class="visually-hidden">${this._done ?? nothing}</div>
    `;
  }

  private _renderLabels(labels: Label[], writer: boolean) {
    const issues = `${new RepoLinks(this.owner, this.repo).home}/issues`;
    return html`
      ${writer
        ? this._editing === 'new'
          ? this._renderForm(null)
          : html`<p><button type="button" class="fab-button" @click=${() => (this._editing = 'new')}>${t('labels.new')}</button></p>`
        : nothing}
      <div role="alert" class="fab-alert">${this._error ? apiErrorText(this._error, { 409: 'labels.exists' }) : nothing}</div>
      ${labels.length === 0
        ? html`<p>${t('labels.none')}</p>`
        : html`<ul class="fab-labels">
            ${labels.map(
              (label) => html`<li>
                <fab-issue-label .label=${label}></fab-issue-label>
                <p class="fab-label-description">${label.description}</p>
                <span class="fab-actions">
                  <a href=${`${issues}?labels=${encodeURIComponent(label.name)}`}>${t('labels.openIssues', { name: label.name })}</a>
                  ${writer ? this._renderActions(label) : nothing}
                </span>
                ${this._editing === label.id ? this._renderForm(label) : nothing}
              </li>`,
            )}
          </ul>`}
    `;
  }

  private _renderActions(label: Label) {
    if (this._deleting === label.id)
      return html`<button type="button" class="fab-button fab-danger" ?disabled=${this._busy} @click=${() => this._delete(label)}>${t('labels.confirmDelete', { name: label.name })}</button>
        <button type="button" class="fab-button fab-secondary" @click=${() => (this._deleting = null)}>${t('issue.cancel')}</button>`;
    return html`<button type="button" class="fab-button fab-secondary" aria-label=${t('labels.editNamed', { name: label.name })} @click=${() => (this._editing = label.id)}>${t('issue.edit')}</button>
      <button type="button" class="fab-button fab-secondary" aria-label=${t('labels.deleteNamed', { name: label.name })} @click=${() => (this._deleting = label.id)}>${t('labels.delete')}</button>`;
  }

  private _renderForm(label: Label | null) {
    const id = label ? `fab-label-${label.id}` : 'fab-label-new';
    return html`<form class="fab-form fab-label-form" aria-label=${label ? t('labels.editNamed', { name: label.name }) : t('labels.new')} @submit=${(e: SubmitEvent) => this._save(e, label)}>
      <div>
        <label for=${`${id}-name`}>${t('labels.name')}</label>
        <span class="fab-hint" id=${`${id}-name-hint`}>${t('labels.nameHint')}</span>
        <input id=${`${id}-name`} name="name" required maxlength="50" .value=${label?.name ?? ''} aria-describedby=${`${id}-name-hint`} />
      </div>
      <div>
        <label for=${`${id}-color`}>${t('labels.color')}</label>
        <input id=${`${id}-color`} name="color" type="color" .value=${label ? `#${label.color.replace('#', '')}` : DEFAULT_COLOR} />
      </div>
      <div>
        <label for=${`${id}-description`}>${t('labels.description')}</label>
        <input id=${`${id}-description`} name="description" maxlength="200" .value=${label?.description ?? ''} />
      </div>
      <div class="fab-check">
        <input type="checkbox" id=${`${id}-exclusive`} name="exclusive" .checked=${label?.exclusive ?? false} />
        <label for=${`${id}-exclusive`}>${t('labels.exclusive')}</label>
      </div>
      <div class="fab-actions">
        <button type="submit" class="fab-button" ?disabled=${this._busy}>${t(label ? 'issue.save' : 'labels.create')}</button>
        <button type="button" class="fab-button fab-secondary" @click=${() => (this._editing = null)}>${t('issue.cancel')}</button>
      </div>
    </form>`;
  }

  private async _run(change: () => Promise<unknown>, done: MessageKey, name: string) {
    this._busy = true;
    this._error = null;
    this._done = null;
    try {
      await change();
      this._editing = null;
      this._deleting = null;
      this._done = t(done, { name });
      void this._data.run();
    } catch (err) {
      this._error = asApiError(err);
    } finally {
      this._busy = false;
    }
  }

  private _save(event: SubmitEvent, label: Label | null) {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const input = {
      name: String(data.get('name') ?? '').trim(),
      color: String(data.get('color') ?? DEFAULT_COLOR),
      description: String(data.get('description') ?? '').trim(),
      exclusive: data.get('exclusive') !== null,
    };
    return this._run(
      () => (label ? editLabel(this.owner, this.repo, label.id, input) : createLabel(this.owner, this.repo, input)),
      label ? 'labels.saved' : 'labels.created',
      input.name,
    );
  }

  private _delete(label: Label) {
    return this._run(() => deleteLabel(this.owner, this.repo, label.id), 'labels.deleted', label.name);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-labels-page': FabLabelsPage;
  }
}

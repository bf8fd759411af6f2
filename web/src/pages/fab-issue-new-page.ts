import { css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { LightDomElement } from '../light-dom-element.js';
import { LocaleController, t } from '../i18n/index.js';
import '../i18n/areas/issues.js';
import { ApiError } from '../api/client.js';
import { getRepository } from '../api/browse.js';
import { createIssue, listIssueTemplates, listLabels, type IssueTemplate, type Label } from '../api/issues.js';
import { RepoLinks } from '../browse-links.js';
import { apiErrorText, asApiError, formStyles } from '../forms.js';
import { router } from '../routes.js';
import { SessionController, signInHref } from '../session.js';
import { renderTask } from '../task-status.js';
import type { FabIssueEditor } from '../fab-issue-editor.js';
import '../fab-repo-header.js';
import '../fab-issue-editor.js';
import '../fab-issue-label.js';

/** The `?template=` value of a blank issue, when the repository has templates. */
const BLANK = 'blank';

interface NewIssueData {
  templates: IssueTemplate[];
  labels: Label[];
  /** Writers choose the labels; others get those of the template. */
  writer: boolean;
}

/**
 * `/{owner}/{repo}/issues/new`: when the repository has issue templates, a chooser first
 * (`?template=` names the file); then the title and the Markdown body, prefilled from the template
 * with its labels, and the submit. Signed-out visitors get a link to sign in and come back here.
 */
@customElement('fab-issue-new-page')
export class FabIssueNewPage extends LightDomElement {
  static override styles = [
    formStyles,
    css`
      fab-issue-new-page .fab-templates {
        display: grid;
        gap: 0.75rem;
        max-width: 48rem;
        margin: 1rem 0;
        padding: 0;
        list-style: none;
      }
      fab-issue-new-page .fab-templates > li {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 1rem;
        align-items: center;
        justify-content: space-between;
        padding: 0.75rem 1rem;
        border: 1px solid var(--fab-border);
        border-radius: var(--fab-radius);
      }
      fab-issue-new-page .fab-templates h2 {
        margin: 0;
        font-size: 1rem;
      }
      fab-issue-new-page .fab-templates p {
        margin: 0.25rem 0 0;
        color: var(--fab-muted);
      }
      fab-issue-new-page .fab-form {
        max-width: 48rem;
      }
      fab-issue-new-page fieldset li {
        display: flex;
        gap: 0.375rem;
        align-items: center;
      }
      fab-issue-new-page fieldset ul {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 1rem;
        margin: 0;
        padding: 0;
        list-style: none;
      }
    `,
  ];

  @property() owner = '';
  @property() repo = '';
  /** The chosen template's file name, `blank`, or empty before choosing. */
  @property() template = '';

  @state() private _error: ApiError | null = null;
  @state() private _busy = false;

  private _locale = new LocaleController(this);
  private _session = new SessionController(this);

  private _data = new Task(this, {
    task: async ([owner, repo], { signal }): Promise<NewIssueData> => {
      const [repository, templates, labels] = await Promise.all([
        getRepository(owner, repo, signal),
        listIssueTemplates(owner, repo, signal),
        listLabels(owner, repo, signal),
      ]);
      return { templates, labels, writer: repository.permissions?.push ?? false };
    },
    args: () => [this.owner, this.repo] as const,
  });

  override render() {
    const here = `${new RepoLinks(this.owner, this.repo).home}/issues/new${this.template ? `?template=${encodeURIComponent(this.template)}` : ''}`;
    return html`
      <fab-repo-header .owner=${this.owner} .repo=${this.repo} tab="issues"></fab-repo-header>
      <h1>${t('newIssue.title')}</h1>
      ${!this._session.loaded
        ? nothing
        : this._session.user
          ? renderTask(this._data, (data) => this._renderBody(data))
          : html`<p><a href=${signInHref(here)}>${t('newIssue.signIn')}</a></p>`}
    `;
  }

  private _renderBody(data: NewIssueData) {
    const chosen = data.templates.find((template) => template.file_name === this.template);
    if (data.templates.length > 0 && !chosen && this.template !== BLANK) return this._renderChooser(data.templates);
    return this._renderForm(data, chosen ?? null);
  }

  private _renderChooser(templates: IssueTemplate[]) {
    const base = `${new RepoLinks(this.owner, this.repo).home}/issues/new`;
    return html`<p>${t('newIssue.chooseTemplate')}</p>
      <ul class="fab-templates">
        ${templates.map(
          (template) => html`<li>
            <div>
              <h2>${template.name}</h2>
              ${template.about ? html`<p>${template.about}</p>` : nothing}
            </div>
            <a class="fab-button" href=${`${base}?template=${encodeURIComponent(template.file_name)}`} aria-label=${t('newIssue.useTemplateNamed', { name: template.name })}
              >${t('newIssue.useTemplate')}</a
            >
          </li>`,
        )}
        <li>
          <div><h2>${t('newIssue.blank')}</h2></div>
          <a href=${`${base}?template=${BLANK}`}>${t('newIssue.openBlank')}</a>
        </li>
      </ul>`;
  }

  private _renderForm(data: NewIssueData, template: IssueTemplate | null) {
    const fromTemplate = template ? data.labels.filter((label) => template.labels.includes(label.name)) : [];
    return html`<form class="fab-form" @submit=${(event: SubmitEvent) => this._submit(event, data, fromTemplate)}>
      ${template ? html`<p>${t('newIssue.fromTemplate', { name: template.name })}</p>` : nothing}
      <div>
        <label for="fab-issue-title">${t('newIssue.titleField')}</label>
        <input id="fab-issue-title" name="title" required maxlength="255" .value=${template?.title ?? ''} />
      </div>
      <fab-issue-editor .owner=${this.owner} .repo=${this.repo} fieldId="fab-issue-body" name="body" .label=${t('newIssue.body')} .value=${template?.content ?? ''}></fab-issue-editor>
      ${data.writer && data.labels.length > 0
        ? html`<fieldset>
            <legend>${t('issue.labels')}</legend>
            <ul>
              ${data.labels.map(
                (label) => html`<li>
                  <input type="checkbox" id=${`fab-new-label-${label.id}`} name="labels" value=${label.id} .checked=${fromTemplate.includes(label)} />
                  <label for=${`fab-new-label-${label.id}`}><fab-issue-label .label=${label}></fab-issue-label></label>
                </li>`,
              )}
            </ul>
          </fieldset>`
        : fromTemplate.length > 0
          ? html`<p>${t('newIssue.templateLabels')} ${fromTemplate.map((label) => html`<fab-issue-label .label=${label}></fab-issue-label> `)}</p>`
          : nothing}
      <div role="alert" class="fab-alert">${this._error ? apiErrorText(this._error, {}) : nothing}</div>
      <button type="submit" class="fab-button" ?disabled=${this._busy}>${t('newIssue.submit')}</button>
    </form>`;
  }

  private async _submit(event: SubmitEvent, data: NewIssueData, fromTemplate: Label[]) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const fields = new FormData(form);
    const body = form.querySelector<FabIssueEditor>('fab-issue-editor')?.text ?? '';
    const labels = data.writer ? fields.getAll('labels').map(Number) : fromTemplate.map((label) => label.id);
    this._busy = true;
    this._error = null;
    try {
      const issue = await createIssue(this.owner, this.repo, { title: String(fields.get('title') ?? '').trim(), body, labels });
      router.navigate(`${new RepoLinks(this.owner, this.repo).home}/issues/${issue.number}`);
    } catch (err) {
      this._error = asApiError(err);
    } finally {
      this._busy = false;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-issue-new-page': FabIssueNewPage;
  }
}

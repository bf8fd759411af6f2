import { css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { LightDomElement } from '../light-dom-element.js';
import { LocaleController, t } from '../i18n/index.js';
import '../i18n/areas/create.js';
import { ApiError } from '../api/client.js';
import { splitRefPath } from '../api/browse.js';
import { getRepositoryWithParent } from '../api/forks.js';
import { fromBase64, getFileContents, proposeChange, writeFile } from '../api/contents.js';
import { getLicenceTemplate } from '../api/licences.js';
import { RepoLinks } from '../browse-links.js';
import { apiErrorText, asApiError, formStyles } from '../forms.js';
import { router } from '../routes.js';
import { SessionController, signInHref } from '../session.js';
import { renderTask } from '../task-status.js';
import '../fab-repo-header.js';
import '../fab-commit-fields.js';

interface Editing {
  canPush: boolean;
  branch: string;
  path: string;
  /** The file's text and blob id; null for a new file. */
  file: { text: string; sha: string } | null;
  /** A new file's name and text to start from (`?licence=`: a LICENSE file with that licence's text). */
  prefill?: { name: string; text: string };
}

/**
 * `/{owner}/{repo}/_edit/{branch}/{path}` and `/_new/{branch}/{folder}`, as on Gitea: edit a file
 * (or write a new one) in the browser. Someone who may push commits to the branch or to a new branch
 * with a pull request; anyone else signed in proposes the change: the forge forks the repository
 * into their account if needed, commits on a new branch there and opens the pull request.
 */
@customElement('fab-edit-file-page')
export class FabEditFilePage extends LightDomElement {
  static override styles = [
    formStyles,
    css`
      fab-edit-file-page .fab-form {
        max-width: none;
      }
      fab-edit-file-page textarea {
        display: block;
        width: 100%;
        min-height: 24rem;
        margin-top: 0.25rem;
        padding: 0.5rem;
        font: 0.875rem/1.5 var(--fab-mono);
        tab-size: 4;
        border: 2px solid var(--fab-border);
        border-radius: var(--fab-radius);
      }
      fab-edit-file-page textarea.fab-short {
        min-height: 5rem;
        font-family: inherit;
      }
    `,
  ];

  @property() owner = '';
  @property() repo = '';
  @property() mode: 'edit' | 'new' = 'edit';
  /** `{branch}/{path}` as in the URL: a branch name may hold slashes. */
  @property() target = '';
  /** For a new file: the SPDX id of a licence whose text the file starts from. */
  @property() licence = '';

  @state() private _busy = false;
  @state() private _error: ApiError | null = null;

  private _locale = new LocaleController(this);
  private _session = new SessionController(this);

  private _editing = new Task(this, {
    task: async ([owner, repo, mode, target, licence], { signal }): Promise<Editing> => {
      const slash = target.indexOf('/');
      const first = slash < 0 ? target : target.slice(0, slash);
      const rest = slash < 0 ? '' : target.slice(slash + 1);
      const [repository, split] = await Promise.all([getRepositoryWithParent(owner, repo, signal), splitRefPath(owner, repo, 'branch', first, rest, signal)]);
      const canPush = repository.permissions?.push ?? false;
      if (mode === 'new') {
        const prefill = licence ? { name: 'LICENSE', text: (await getLicenceTemplate(licence, signal)).body } : undefined;
        return { canPush, branch: split.ref, path: split.path, file: null, prefill };
      }
      const contents = await getFileContents(owner, repo, split.ref, split.path, signal);
      const text = contents.content === null ? null : fromBase64(contents.content);
      if (contents.type !== 'file' || text === null) throw new ApiError(404, 'not a text file');
      return { canPush, branch: split.ref, path: split.path, file: { text, sha: contents.sha } };
    },
    args: () => [this.owner, this.repo, this.mode, this.target, this.licence] as const,
  });

  override render() {
    const path = this._editing.value?.path ?? '';
    const name = this.mode === 'new' ? t('edit.newTitle') : t('edit.title', { name: path.split('/').pop() ?? path });
    return html`
      <fab-repo-header .owner=${this.owner} .repo=${this.repo} tab="code"></fab-repo-header>
      <h1>${name}</h1>
      ${this._session.loaded && !this._session.user
        ? html`<p><a href=${signInHref(location.pathname)}>${t('edit.signIn')}</a></p>`
        : renderTask(this._editing, (editing) => this._renderForm(editing))}
    `;
  }

  private _renderForm(editing: Editing) {
    const propose = !editing.canPush;
    const defaultMessage = t(editing.file ? 'edit.defaultUpdate' : 'edit.defaultCreate', { path: editing.path || '…' });
    return html`
      ${propose ? html`<p class="fab-warning">${t('edit.proposeExplain', { repo: `${this.owner}/${this.repo}` })}</p>` : nothing}
      <form class="fab-form" @submit=${(e: SubmitEvent) => this._submit(e, editing)}>
        <div class="fab-commit-fields">
          <div>
            <label for="fab-edit-path">${t('edit.path')}</label>
            <span class="fab-hint" id="fab-edit-path-hint">${t('edit.pathHint', { branch: editing.branch })}</span>
            <input
              id="fab-edit-path"
              name="path"
              required
              ?readonly=${editing.file !== null}
              aria-describedby="fab-edit-path-hint"
              .value=${editing.file ? editing.path : `${editing.path ? `${editing.path}/` : ''}${editing.prefill?.name ?? ''}`}
            />
          </div>
        </div>
        <div>
          <label for="fab-edit-content">${t('edit.content')}</label>
          <textarea id="fab-edit-content" name="content" spellcheck="false" .value=${editing.file?.text ?? editing.prefill?.text ?? ''}></textarea>
        </div>
        <div class="fab-commit-fields">
          <fab-commit-fields
            id-prefix="fab-edit"
            .branch=${editing.branch}
            .defaultMessage=${defaultMessage}
            description
            .chooseBranch=${!propose}
          ></fab-commit-fields>
          <div role="alert" class="fab-alert">${this._error ? apiErrorText(this._error, { 409: 'edit.conflict' }) : nothing}</div>
          <button type="submit" class="fab-button" ?disabled=${this._busy}>${t(propose ? 'edit.propose' : 'edit.commit')}</button>
        </div>
      </form>
    `;
  }

  private async _submit(event: SubmitEvent, editing: Editing) {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const path = String(data.get('path') ?? '').replace(/^\/+/, '');
    const summary = String(data.get('message') ?? '').trim();
    const description = String(data.get('description') ?? '').trim();
    const message = summary ? (description ? `${summary}\n\n${description}` : summary) : '';
    const change = {
      path,
      content: String(data.get('content') ?? ''),
      message,
      branch: editing.branch,
      sha: editing.file?.sha,
    };
    const links = new RepoLinks(this.owner, this.repo);
    this._busy = true;
    this._error = null;
    try {
      if (editing.canPush && data.get('where') !== 'branch') {
        await writeFile(this.owner, this.repo, change);
        router.navigate(links.src('branch', editing.branch, path));
      } else {
        const newBranch = String(data.get('new_branch') ?? '').trim();
        const proposed = await proposeChange(this.owner, this.repo, { ...change, newBranch: newBranch || undefined, title: summary || undefined, body: description || undefined });
        router.navigate(`${links.home}/pulls/${proposed.pull.number}`);
      }
    } catch (err) {
      this._error = asApiError(err);
    } finally {
      this._busy = false;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-edit-file-page': FabEditFilePage;
  }
}

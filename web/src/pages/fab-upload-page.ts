import { css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { LightDomElement } from '../light-dom-element.js';
import { LocaleController, t } from '../i18n/index.js';
import '../i18n/areas/create.js';
import { ApiError } from '../api/client.js';
import { splitRefPath } from '../api/browse.js';
import { getRepositoryWithParent } from '../api/forks.js';
import { uploadFiles } from '../api/contents.js';
import { createPull } from '../api/pulls.js';
import { RepoLinks, fileSize } from '../browse-links.js';
import { apiErrorText, asApiError, formStyles } from '../forms.js';
import { router } from '../routes.js';
import { SessionController, signInHref } from '../session.js';
import { renderTask } from '../task-status.js';
import '../fab-repo-header.js';
import '../fab-commit-fields.js';

/**
 * What one upload may weigh in all: the server takes 10 MB of JSON, and base64 makes bytes a third
 * larger. Said before sending, rather than after a long upload refused with a 413.
 */
const UPLOAD_LIMIT = 7 * 1024 * 1024;

interface Uploading {
  canPush: boolean;
  branch: string;
  /** The folder the files go into ('' for the root). */
  folder: string;
}

/**
 * `/{owner}/{repo}/_upload/{branch}/{folder}`, as on Gitea: one or several files, dropped or chosen,
 * committed together in one commit on the branch, or on a new branch with a pull request (what a
 * protected branch asks for), through Gitea's ChangeFiles.
 */
@customElement('fab-upload-page')
export class FabUploadPage extends LightDomElement {
  static override styles = [
    formStyles,
    css`
      fab-upload-page .fab-drop {
        display: grid;
        place-items: center;
        min-height: 6rem;
        margin-top: 0.5rem;
        padding: 1rem;
        color: var(--fab-muted);
        text-align: center;
        border: 2px dashed var(--fab-border);
        border-radius: var(--fab-radius);
      }
      fab-upload-page .fab-drop.fab-over {
        border-color: var(--fab-accent);
        color: var(--fab-text);
      }
      fab-upload-page .fab-chosen {
        margin: 0.5rem 0 0;
        padding: 0;
        list-style: none;
      }
      fab-upload-page .fab-chosen li {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5rem;
        padding: 0.25rem 0;
        overflow-wrap: anywhere;
        border-bottom: 1px solid var(--fab-border);
      }
      fab-upload-page .fab-chosen span {
        flex: 1;
        min-width: 0;
      }
      fab-upload-page input[type='file'] {
        max-width: 100%;
      }
    `,
  ];

  @property() owner = '';
  @property() repo = '';
  /** `{branch}/{folder}` as in the URL: a branch name may hold slashes. */
  @property() target = '';

  @state() private _files: File[] = [];
  @state() private _over = false;
  @state() private _busy = false;
  @state() private _error: ApiError | null = null;
  @state() private _problem = '';

  private _locale = new LocaleController(this);
  private _session = new SessionController(this);
  /** A branch name proposed for "new branch", chosen once per page. */
  private readonly _branchName = `upload-${Date.now().toString(36)}`;

  private _uploading = new Task(this, {
    task: async ([owner, repo, target], { signal }): Promise<Uploading> => {
      const slash = target.indexOf('/');
      const first = slash < 0 ? target : target.slice(0, slash);
      const rest = slash < 0 ? '' : target.slice(slash + 1);
      const [repository, split] = await Promise.all([getRepositoryWithParent(owner, repo, signal), splitRefPath(owner, repo, 'branch', first, rest, signal)]);
      return { canPush: repository.permissions?.push ?? false, branch: split.ref, folder: split.path.replace(/^\/+|\/+$/g, '') };
    },
    args: () => [this.owner, this.repo, this.target] as const,
  });

  override render() {
    return html`
      <fab-repo-header .owner=${this.owner} .repo=${this.repo} tab="code"></fab-repo-header>
      <h1>${t('upload.title')}</h1>
      ${this._session.loaded && !this._session.user
        ? html`<p><a href=${signInHref(location.pathname)}>${t('upload.signIn')}</a></p>`
        : renderTask(this._uploading, (uploading) => (uploading.canPush ? this._renderForm(uploading) : html`<p class="fab-warning">${t('upload.readOnly')}</p>`))}
    `;
  }

  private _renderForm(uploading: Uploading) {
    const defaultMessage = t('upload.defaultMessage', { paths: this._files.length > 0 ? this._paths(uploading).join(', ') : '…' });
    return html`
      <p>${t('upload.into', { path: uploading.folder || t('upload.root'), branch: uploading.branch })}</p>
      <form class="fab-form" @submit=${(e: SubmitEvent) => this._submit(e, uploading)}>
        <div class="fab-commit-fields">
          <div>
            <label for="fab-upload-files">${t('upload.files')}</label>
            <input id="fab-upload-files" type="file" multiple @change=${this._onChoose} />
            <div
              class="fab-drop ${this._over ? 'fab-over' : ''}"
              @dragover=${this._onDragOver}
              @dragleave=${() => (this._over = false)}
              @drop=${this._onDrop}
            >
              ${t('upload.drop')}
            </div>
            ${this._files.length > 0
              ? html`<h2 id="fab-upload-chosen">${t('upload.chosen')}</h2>
                  <ul class="fab-chosen" aria-labelledby="fab-upload-chosen">
                    ${this._files.map(
                      (file, index) => html`<li>
                        <span>${file.name} · ${fileSize(file.size)}</span>
                        <button type="button" class="fab-button fab-secondary" @click=${() => this._remove(index)}>${t('upload.remove', { name: file.name })}</button>
                      </li>`,
                    )}
                  </ul>`
              : nothing}
          </div>
          <fab-commit-fields id-prefix="fab-upload" .branch=${uploading.branch} .defaultMessage=${defaultMessage} .suggestedBranch=${this._branchName}></fab-commit-fields>
          <div role="alert" class="fab-alert">${this._problem ? html`<p>${this._problem}</p>` : this._error ? apiErrorText(this._error, {}) : nothing}</div>
          <button type="submit" class="fab-button" ?disabled=${this._busy}>${t('edit.commit')}</button>
        </div>
      </form>
    `;
  }

  /** Where each chosen file goes: its name in the folder of the page. */
  private _paths(uploading: Uploading): string[] {
    return this._files.map((file) => (uploading.folder ? `${uploading.folder}/${file.name}` : file.name));
  }

  private _add(files: FileList | null | undefined) {
    if (!files) return;
    // A file chosen again replaces the one of the same name.
    const names = new Set([...files].map((f) => f.name));
    this._files = [...this._files.filter((f) => !names.has(f.name)), ...files];
    this._problem = '';
  }

  private _remove(index: number) {
    this._files = this._files.filter((_, i) => i !== index);
  }

  private readonly _onChoose = (event: Event) => {
    const input = event.target as HTMLInputElement;
    this._add(input.files);
    input.value = '';
  };

  private readonly _onDragOver = (event: DragEvent) => {
    event.preventDefault();
    this._over = true;
  };

  private readonly _onDrop = (event: DragEvent) => {
    event.preventDefault();
    this._over = false;
    this._add(event.dataTransfer?.files);
  };

  private async _submit(event: SubmitEvent, uploading: Uploading) {
    event.preventDefault();
    this._error = null;
    if (this._files.length === 0) {
      this._problem = t('upload.none');
      return;
    }
    const total = this._files.reduce((sum, f) => sum + f.size, 0);
    if (total > UPLOAD_LIMIT) {
      const largest = this._files.reduce((a, b) => (b.size > a.size ? b : a));
      this._problem = t('upload.tooLarge', { name: this._files.length === 1 ? largest.name : this._files.map((f) => f.name).join(', '), limit: fileSize(UPLOAD_LIMIT) });
      return;
    }
    this._problem = '';
    const data = new FormData(event.target as HTMLFormElement);
    const message = String(data.get('message') ?? '').trim();
    const newBranch = data.get('where') === 'branch' ? String(data.get('new_branch') ?? '').trim() : '';
    const paths = this._paths(uploading);
    const links = new RepoLinks(this.owner, this.repo);
    this._busy = true;
    try {
      const files = await Promise.all(this._files.map(async (file, i) => ({ path: paths[i], content: new Uint8Array(await file.arrayBuffer()) })));
      const written = await uploadFiles(this.owner, this.repo, { files, message, branch: uploading.branch, newBranch: newBranch || undefined });
      if (newBranch) {
        const title = written.commit.message.split('\n', 1)[0];
        const pull = await createPull(this.owner, this.repo, { head: newBranch, base: uploading.branch, title, body: '' });
        router.navigate(`${links.home}/pulls/${pull.number}`);
      } else {
        router.navigate(links.src('branch', uploading.branch, uploading.folder));
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
    'fab-upload-page': FabUploadPage;
  }
}

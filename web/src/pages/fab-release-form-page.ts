import { css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { LightDomElement } from '../light-dom-element.js';
import { LocaleController, t } from '../i18n/index.js';
import '../i18n/areas/releases.js';
import { ApiError } from '../api/client.js';
import { getRepository, listBranches, listTags } from '../api/browse.js';
import { createRelease, deleteAttachment, editRelease, generateNotes, getReleaseByTag, releaseUrl, uploadAttachment, type Release } from '../api/releases.js';
import { apiErrorText, asApiError, formStyles } from '../forms.js';
import { renderTask } from '../task-status.js';
import { router } from '../routes.js';
import '../fab-repo-header.js';

/**
 * `/{owner}/{repo}/releases/new` and `/releases/edit/{tag}`: a release's tag (an existing one or a
 * new one at a target), title, Markdown notes (generated from the merged pull requests on demand),
 * draft and pre-release flags, and files, uploaded one after the other with their progress.
 */
@customElement('fab-release-form-page')
export class FabReleaseFormPage extends LightDomElement {
  static override styles = [
    formStyles,
    css`
      fab-release-form-page textarea {
        min-height: 12rem;
        font-family: var(--fab-mono, monospace);
      }
      fab-release-form-page .fab-notes-tools {
        margin: 0;
      }
      fab-release-form-page progress {
        width: 100%;
      }
      fab-release-form-page .fab-release-files {
        margin: 0;
        padding: 0;
        list-style: none;
      }
      fab-release-form-page .fab-release-files li {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 1rem;
        align-items: center;
        justify-content: space-between;
        padding: 0.25rem 0;
        overflow-wrap: anywhere;
      }
    `,
  ];

  @property() owner = '';
  @property() repo = '';
  /** The tag of the release being edited; empty for a new release. */
  @property() editing = '';
  /** A tag to start a new release from (`?tag=`). */
  @property() tag = '';

  @state() private _notes: string | null = null;
  @state() private _busy = false;
  @state() private _error: ApiError | null = null;
  @state() private _status = '';
  @state() private _progress: { name: string; percent: number } | null = null;

  private _locale = new LocaleController(this);

  private _data = new Task(this, {
    task: async ([owner, repo, editing], { signal }) => {
      const [repository, tags, branches, release] = await Promise.all([
        getRepository(owner, repo, signal),
        listTags(owner, repo, signal),
        listBranches(owner, repo, signal),
        editing ? getReleaseByTag(owner, repo, editing, signal) : Promise.resolve(null),
      ]);
      return { repository, tags: tags.map((tag) => tag.name), branches: branches.map((b) => b.name), release };
    },
    args: () => [this.owner, this.repo, this.editing] as const,
  });

  override render() {
    return html`
      <fab-repo-header .owner=${this.owner} .repo=${this.repo} tab="releases"></fab-repo-header>
      <h1>${t(this.editing ? 'releases.edit' : 'releases.new')}</h1>
      ${renderTask(this._data, (data) => this._renderForm(data.release, data.tags, data.branches, data.repository.default_branch))}
    `;
  }

  private _renderForm(release: Release | null, tags: string[], branches: string[], defaultBranch: string) {
    // The tag and target of a published release are fixed: its tag exists.
    const tagFixed = release !== null && !release.draft;
    return html`<form class="fab-form" @submit=${(e: SubmitEvent) => this._save(e, release)}>
      <div>
        <label for="fab-release-tag">${t('releases.tagField')}</label>
        <span class="fab-hint" id="fab-release-tag-hint">${t('releases.tagHelp')}</span>
        <input
          id="fab-release-tag"
          name="tag_name"
          required
          maxlength="255"
          list="fab-release-tags"
          autocomplete="off"
          aria-describedby="fab-release-tag-hint"
          ?readonly=${tagFixed}
          .value=${release?.tag_name ?? this.tag}
        />
        <datalist id="fab-release-tags">${tags.map((tag) => html`<option value=${tag}></option>`)}</datalist>
      </div>
      ${tagFixed
        ? nothing
        : html`<div>
            <label for="fab-release-target">${t('releases.targetField')}</label>
            <input id="fab-release-target" name="target_commitish" maxlength="255" list="fab-release-branches" autocomplete="off" .value=${release?.target_commitish ?? defaultBranch} />
            <datalist id="fab-release-branches">${branches.map((b) => html`<option value=${b}></option>`)}</datalist>
          </div>`}
      <div>
        <label for="fab-release-title">${t('releases.titleField')}</label>
        <input id="fab-release-title" name="name" maxlength="255" .value=${release?.name ?? ''} />
      </div>
      <div>
        <label for="fab-release-notes">${t('releases.notesField')}</label>
        <textarea id="fab-release-notes" name="body" .value=${this._notes ?? release?.body ?? ''}></textarea>
        <p class="fab-notes-tools">
          <button type="button" class="fab-button fab-secondary" ?disabled=${this._busy} @click=${this._generate}>${t('releases.generate')}</button>
        </p>
      </div>
      <fieldset>
        <legend>${t('releases.kind')}</legend>
        <label><input type="checkbox" name="draft" ?checked=${release?.draft ?? false} /> ${t('releases.draftField')}</label>
        <label><input type="checkbox" name="prerelease" ?checked=${release?.prerelease ?? false} /> ${t('releases.prereleaseField')}</label>
      </fieldset>
      ${release && release.assets.length > 0
        ? html`<ul class="fab-release-files" aria-label=${t('releases.assets')}>
            ${release.assets.map(
              (asset) => html`<li>
                ${asset.name}
                <button type="button" class="fab-button fab-secondary" ?disabled=${this._busy} @click=${() => this._removeFile(release.id, asset.id)}>
                  ${t('releases.removeFile', { name: asset.name })}
                </button>
              </li>`,
            )}
          </ul>`
        : nothing}
      <div>
        <label for="fab-release-files">${t('releases.filesField')}</label>
        <input id="fab-release-files" name="files" type="file" multiple />
      </div>
      ${this._progress
        ? html`<div>
            <label for="fab-release-progress">${t('releases.uploading', { name: this._progress.name, percent: this._progress.percent })}</label>
            <progress id="fab-release-progress" max="100" value=${this._progress.percent}></progress>
          </div>`
        : nothing}
      <div role="alert" class="fab-alert">${this._error ? apiErrorText(this._error, {}) : nothing}</div>
      <div role="status" class="visually-hidden">${this._status}</div>
      <p><button type="submit" class="fab-button" ?disabled=${this._busy}>${t(release ? 'releases.save' : 'releases.publish')}</button></p>
    </form>`;
  }

  private async _removeFile(releaseId: number, id: number) {
    this._busy = true;
    this._error = null;
    try {
      await deleteAttachment(this.owner, this.repo, releaseId, id);
      void this._data.run();
    } catch (err) {
      this._error = asApiError(err);
    } finally {
      this._busy = false;
    }
  }

  private async _generate(event: Event) {
    const form = (event.target as HTMLElement).closest('form') as HTMLFormElement;
    const tag = String(new FormData(form).get('tag_name') ?? '').trim();
    this._error = null;
    try {
      const notes = await generateNotes(this.owner, this.repo, tag || 'HEAD');
      const current = (form.elements.namedItem('body') as HTMLTextAreaElement).value;
      this._notes = current.trim() ? `${current.trimEnd()}\n\n${notes.body}` : notes.body;
      this._status = t('releases.generated');
    } catch (err) {
      this._error = asApiError(err);
    }
  }

  private async _save(event: SubmitEvent, release: Release | null) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const input = {
      tag_name: String(data.get('tag_name') ?? '').trim(),
      target_commitish: data.has('target_commitish') ? String(data.get('target_commitish')).trim() || undefined : undefined,
      name: String(data.get('name') ?? '').trim(),
      body: String(data.get('body') ?? ''),
      draft: data.get('draft') === 'on',
      prerelease: data.get('prerelease') === 'on',
    };
    const files = data.getAll('files').filter((f): f is File => f instanceof File && f.name !== '');
    this._busy = true;
    this._error = null;
    let saved: Release | null = null;
    try {
      saved = release ? await editRelease(this.owner, this.repo, release.id, input) : await createRelease(this.owner, this.repo, input);
      for (const file of files) {
        this._progress = { name: file.name, percent: 0 };
        await uploadAttachment(this.owner, this.repo, saved.id, file, (fraction) => (this._progress = { name: file.name, percent: Math.round(fraction * 100) }));
      }
      this._progress = null;
      router.navigate(releaseUrl(this.owner, this.repo, saved.tag_name));
    } catch (err) {
      this._progress = null;
      this._error = asApiError(err);
      // A release created before an upload failed: edit it from now on rather than create it twice.
      if (!release && saved) this.editing = saved.tag_name;
    } finally {
      this._busy = false;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-release-form-page': FabReleaseFormPage;
  }
}

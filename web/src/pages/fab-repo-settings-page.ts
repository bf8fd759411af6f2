import { css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { LightDomElement } from '../light-dom-element.js';
import { LocaleController, t } from '../i18n/index.js';
import '../i18n/areas/create.js';
import '../i18n/areas/orgs.js';
import '../i18n/areas/repoSettings.js';
import type { ApiError } from '../api/client.js';
import {
  deleteRepository,
  editRepository,
  getRepository,
  listCollaborators,
  removeCollaborator,
  setCollaborator,
  type CollaboratorPermission,
} from '../api/repos.js';
import { apiErrorText, asApiError, formStyles } from '../forms.js';
import { router } from '../routes.js';
import '../fab-repo-header.js';
import '../fab-branch-protections.js';

const ERROR_ID = 'repo-settings-error';
const PERMISSIONS: readonly CollaboratorPermission[] = ['read', 'write', 'admin'];

/** `/{owner}/{repo}/settings`: description, visibility, default branch, collaborators, branch protection, deletion (confirmed by typing the name). */
@customElement('fab-repo-settings-page')
export class FabRepoSettingsPage extends LightDomElement {
  static override styles = [
    formStyles,
    css`
      fab-repo-settings-page h2 {
        margin-top: 2rem;
        font-size: 1.375rem;
      }
      fab-repo-settings-page td select {
        width: 100%;
        margin-top: 0.25rem;
        padding: 0.5rem 0.625rem;
        font: inherit;
        border: 2px solid var(--fab-border);
        border-radius: var(--fab-radius);
      }
      fab-repo-settings-page table {
        width: 100%;
        border-collapse: collapse;
      }
      fab-repo-settings-page th,
      fab-repo-settings-page td {
        padding: 0.5rem;
        text-align: left;
        border-bottom: 1px solid var(--fab-border);
      }
      fab-repo-settings-page .fab-danger-zone {
        padding: 1rem;
        border: 2px solid var(--fab-danger);
        border-radius: var(--fab-radius);
      }
    `,
  ];

  @property() owner = '';
  @property() repo = '';

  @state() private _error: ApiError | null = null;
  @state() private _saved: string | null = null;
  @state() private _confirmName = '';

  private _locale = new LocaleController(this);

  private _repository = new Task(this, {
    task: ([owner, repo], { signal }) => getRepository(owner, repo, signal),
    args: () => [this.owner, this.repo] as const,
  });

  private _collaborators = new Task(this, {
    task: ([owner, repo], { signal }) => listCollaborators(owner, repo, signal),
    args: () => [this.owner, this.repo] as const,
  });

  override render() {
    return html`
      <fab-repo-header .owner=${this.owner} .repo=${this.repo} tab="settings" .admin=${this._repository.value?.permissions.admin ?? false}></fab-repo-header>
      <h1>${t('repoSettings.heading', { repo: `${this.owner}/${this.repo}` })}</h1>
      <div class="fab-alert" role="alert" id=${ERROR_ID}>${this._error ? apiErrorText(this._error, { 403: 'repoSettings.forbidden' }) : nothing}</div>
      <div role="status">${this._saved ? html`<p class="fab-success">${this._saved}</p>` : nothing}</div>
      <nav aria-label=${t('repoSettings.title')}><a href=${`/${encodeURIComponent(this.owner)}/${encodeURIComponent(this.repo)}/settings/hooks`}>${t('repoSettings.webhooksLink')}</a></nav>
      ${this._repository.render({
        pending: () => html`<p role="status">${t('org.loading')}</p>`,
        error: (err) => html`<div class="fab-alert">${apiErrorText(asApiError(err), { 404: 'repoSettings.notFound' })}</div>`,
        complete: (repo) =>
          repo.permissions.admin
            ? html`${this._renderRename(repo.name)} ${this._renderOptions(repo)} ${this._renderCollaborators()}
                <fab-branch-protections .owner=${this.owner} .repo=${this.repo}></fab-branch-protections>
                ${this._renderDelete(repo.name)}`
            : html`<p>${t('repoSettings.forbidden')}</p>`,
      })}
    `;
  }

  private _renderRename(name: string) {
    return html`<h2>${t('repoSettings.rename')}</h2>
      <form class="fab-form" @submit=${this._rename}>
        <div>
          <label for="settings-name">${t('repoSettings.name')}</label>
          <span class="fab-hint" id="settings-name-hint">${t('repoSettings.nameHint')}</span>
          <input
            id="settings-name"
            name="name"
            type="text"
            autocomplete="off"
            required
            .value=${name}
            aria-describedby="settings-name-hint"
            aria-invalid=${this._error?.field === 'name' ? 'true' : 'false'}
          />
        </div>
        <button class="fab-button" type="submit">${t('repoSettings.renameSubmit')}</button>
      </form>`;
  }

  private _renderOptions(repo: { description: string; website: string; private: boolean; archived: boolean; default_branch: string }) {
    return html`<h2>${t('repoSettings.options')}</h2>
      <form class="fab-form" @submit=${this._save}>
        <div>
          <label for="settings-description">${t('newRepo.description')}</label>
          <textarea id="settings-description" name="description" rows="3" maxlength="2048" .value=${repo.description}></textarea>
        </div>
        <div>
          <label for="settings-website">${t('repoSettings.website')}</label>
          <input id="settings-website" name="website" type="url" .value=${repo.website} aria-invalid=${this._error?.field === 'website' ? 'true' : 'false'} />
        </div>
        <div>
          <label for="settings-branch">${t('newRepo.defaultBranch')}</label>
          <input id="settings-branch" name="default_branch" type="text" required .value=${repo.default_branch} aria-invalid=${this._error?.field === 'default_branch' ? 'true' : 'false'} />
        </div>
        <div>
          <input type="checkbox" id="settings-private" name="private" ?checked=${repo.private} />
          <label for="settings-private">${t('repoSettings.private')}</label>
        </div>
        <div>
          <input type="checkbox" id="settings-archived" name="archived" ?checked=${repo.archived} />
          <label for="settings-archived">${t('repoSettings.archived')}</label>
        </div>
        <button class="fab-button" type="submit">${t('repoSettings.save')}</button>
      </form>`;
  }

  private _renderCollaborators() {
    return html`<h2 id="collaborators-heading" tabindex="-1">${t('repoSettings.collaborators')}</h2>
      ${this._collaborators.render({
        complete: (collaborators) =>
          collaborators.length === 0
            ? html`<p>${t('repoSettings.noCollaborators')}</p>`
            : html`<table>
                <caption class="visually-hidden">${t('repoSettings.collaborators')}</caption>
                <thead><tr><th scope="col">${t('repoSettings.user')}</th><th scope="col">${t('repoSettings.permission')}</th><th scope="col">${t('repoSettings.actions')}</th></tr></thead>
                <tbody>
                  ${collaborators.map(
                    (c) => html`<tr>
                      <th scope="row">${c.login}</th>
                      <td>
                        <select aria-label=${t('repoSettings.permissionOf', { user: c.login })} @change=${(e: Event) => this._grant(c.login, (e.target as HTMLSelectElement).value as CollaboratorPermission)}>
                          ${PERMISSIONS.map((p) => html`<option value=${p} ?selected=${p === c.permission}>${t(`repoSettings.permission.${p}`)}</option>`)}
                        </select>
                      </td>
                      <td><button class="fab-button fab-secondary" type="button" aria-label=${t('repoSettings.removeNamed', { user: c.login })} @click=${() => this._remove(c.login)}>${t('repoSettings.remove')}</button></td>
                    </tr>`,
                  )}
                </tbody>
              </table>`,
      })}
      <form class="fab-form" @submit=${this._add}>
        <div>
          <label for="collaborator-name">${t('repoSettings.addUser')}</label>
          <input id="collaborator-name" name="username" type="text" autocomplete="off" required aria-invalid=${this._error?.field === 'collaborator' ? 'true' : 'false'} />
        </div>
        <div>
          <label for="collaborator-permission">${t('repoSettings.permission')}</label>
          <select id="collaborator-permission" name="permission">
            ${PERMISSIONS.map((p) => html`<option value=${p} ?selected=${p === 'write'}>${t(`repoSettings.permission.${p}`)}</option>`)}
          </select>
        </div>
        <button class="fab-button" type="submit">${t('repoSettings.add')}</button>
      </form>`;
  }

  private _renderDelete(name: string) {
    return html`<h2>${t('repoSettings.dangerZone')}</h2>
      <form class="fab-form fab-danger-zone" @submit=${this._delete}>
        <p>${t('repoSettings.deleteWarning')}</p>
        <div>
          <label for="delete-confirm">${t('repoSettings.deleteConfirm', { name })}</label>
          <input id="delete-confirm" type="text" autocomplete="off" .value=${this._confirmName} @input=${(e: InputEvent) => (this._confirmName = (e.target as HTMLInputElement).value)} />
        </div>
        <button class="fab-button fab-danger" type="submit" ?disabled=${this._confirmName !== name}>${t('repoSettings.delete')}</button>
      </form>`;
  }

  /** Runs a change, then says so or shows the server's reason. */
  private async _run(change: () => Promise<unknown>, done: string): Promise<boolean> {
    this._error = null;
    this._saved = null;
    try {
      await change();
      this._saved = done;
      return true;
    } catch (err) {
      this._error = asApiError(err);
      return false;
    }
  }

  private async _save(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    await this._run(
      () =>
        editRepository(this.owner, this.repo, {
          description: String(data.get('description') ?? ''),
          website: String(data.get('website') ?? '').trim(),
          default_branch: String(data.get('default_branch') ?? '').trim(),
          private: data.get('private') !== null,
          archived: data.get('archived') !== null,
        }),
      t('repoSettings.saved'),
    );
    void this._repository.run();
  }

  /** Renames, then goes to the settings at the new address; the old one redirects there from now on. */
  private async _rename(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const name = String(new FormData(event.currentTarget as HTMLFormElement).get('name') ?? '').trim();
    if (name === this.repo) return;
    if (await this._run(() => editRepository(this.owner, this.repo, { name }), t('repoSettings.renamed', { name }))) {
      router.navigate(`/${encodeURIComponent(this.owner)}/${encodeURIComponent(name)}/settings`);
    } else {
      this.querySelector<HTMLInputElement>('#settings-name')?.focus();
    }
  }

  private async _grant(username: string, permission: CollaboratorPermission): Promise<void> {
    await this._run(() => setCollaborator(this.owner, this.repo, username, permission), t('repoSettings.granted', { user: username }));
  }

  private async _remove(username: string): Promise<void> {
    if (await this._run(() => removeCollaborator(this.owner, this.repo, username), t('repoSettings.removed', { user: username }))) {
      await this._collaborators.run();
      this.querySelector<HTMLElement>('#collaborators-heading')?.focus();
    }
  }

  private async _add(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const username = String(data.get('username') ?? '').trim();
    const permission = String(data.get('permission') ?? 'write') as CollaboratorPermission;
    if (await this._run(() => setCollaborator(this.owner, this.repo, username, permission), t('repoSettings.granted', { user: username }))) {
      form.reset();
      await this._collaborators.run();
    } else {
      this.querySelector<HTMLInputElement>('#collaborator-name')?.focus();
    }
  }

  private async _delete(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    if (this._confirmName !== this._repository.value?.name) return;
    if (await this._run(() => deleteRepository(this.owner, this.repo), t('repoSettings.deleted'))) router.navigate(`/${this.owner}`);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-repo-settings-page': FabRepoSettingsPage;
  }
}

import { html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { LightDomElement } from '../light-dom-element.js';
import { LocaleController, t } from '../i18n/index.js';
import '../i18n/areas/releases.js';
import { ApiError } from '../api/client.js';
import { getRepository } from '../api/browse.js';
import { deleteRelease, getReleaseByTag, latestRelease, type Release } from '../api/releases.js';
import { RepoLinks } from '../browse-links.js';
import { apiErrorText, asApiError, formStyles } from '../forms.js';
import { renderTask } from '../task-status.js';
import { router } from '../routes.js';
import { releaseBadges, releaseStyles, renderRelease } from './fab-releases-page.js';
import '../fab-repo-header.js';

/** `/{owner}/{repo}/releases/tag/{tag}`: one release; writers edit or delete it (the tag stays). */
@customElement('fab-release-page')
export class FabReleasePage extends LightDomElement {
  static override styles = [formStyles, releaseStyles];

  @property() owner = '';
  @property() repo = '';
  @property() tag = '';

  @state() private _confirming = false;
  @state() private _busy = false;
  @state() private _error: ApiError | null = null;

  private _locale = new LocaleController(this);

  private _data = new Task(this, {
    task: async ([owner, repo, tag], { signal }) => {
      const [repository, release, latest] = await Promise.all([getRepository(owner, repo, signal), getReleaseByTag(owner, repo, tag, signal), latestRelease(owner, repo, signal)]);
      return { release, latestId: latest?.id ?? null, writer: (repository.permissions?.push ?? false) && !repository.archived };
    },
    args: () => [this.owner, this.repo, this.tag] as const,
  });

  override render() {
    return html`
      <fab-repo-header .owner=${this.owner} .repo=${this.repo} tab="releases"></fab-repo-header>
      ${renderTask(
        this._data,
        ({ release, latestId, writer }) => html`
          <h1>${release.name}${releaseBadges(release, latestId)}</h1>
          ${writer ? this._renderActions(release) : nothing} ${renderRelease(this.owner, this.repo, release, { latestId, heading: false })}
          <p><a href=${`${new RepoLinks(this.owner, this.repo).home}/releases`}>${t('releases.all')}</a></p>
        `,
      )}
    `;
  }

  private _renderActions(release: Release) {
    const home = new RepoLinks(this.owner, this.repo).home;
    return html`<p class="fab-release-actions">
        <a class="fab-button fab-secondary" href=${`${home}/releases/edit/${release.tag_name.split('/').map(encodeURIComponent).join('/')}`}>${t('releases.edit')}</a>
        ${this._confirming
          ? html`<button type="button" class="fab-button fab-danger" ?disabled=${this._busy} @click=${() => this._delete(release)}>${t('releases.confirmDelete', { title: release.name })}</button>`
          : html`<button type="button" class="fab-button fab-secondary" @click=${() => (this._confirming = true)}>${t('releases.delete')}</button>`}
      </p>
      <div role="alert" class="fab-alert">${this._error ? apiErrorText(this._error, {}) : nothing}</div>`;
  }

  private async _delete(release: Release) {
    this._busy = true;
    this._error = null;
    try {
      await deleteRelease(this.owner, this.repo, release.id);
      router.navigate(`${new RepoLinks(this.owner, this.repo).home}/releases`);
    } catch (err) {
      this._error = asApiError(err);
    } finally {
      this._busy = false;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-release-page': FabReleasePage;
  }
}

import { css, html, nothing, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { LightDomElement } from './light-dom-element.js';
import { LocaleController, t } from './i18n/index.js';
import './i18n/areas/browse.js';
import { syncFork } from './api/forks.js';
import type { Repository } from './api/browse.js';
import { apiErrorText, asApiError, formStyles } from './forms.js';
import { shortSha } from './browse-links.js';

/**
 * On a fork's home, for those who may push to it: "Sync fork" fast-forwards the branch shown from
 * the same branch of the parent, and says in a status region whether it was up to date, moved, or
 * could not be (the server's 409 explains why).
 */
@customElement('fab-sync-fork')
export class FabSyncFork extends LightDomElement {
  static override styles = [
    formStyles,
    css`
      fab-sync-fork {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 1rem;
        align-items: center;
        margin: 0 0 1rem;
      }
      fab-sync-fork p {
        margin: 0;
      }
    `,
  ];

  @property({ attribute: false }) repository: Repository | null = null;
  /** The branch the page shows. */
  @property() branch = '';

  @state() private _busy = false;
  @state() private _outcome: TemplateResult | null = null;

  private _locale = new LocaleController(this);

  override render() {
    const repository = this.repository;
    if (!repository?.parent || !repository.permissions?.push || !this.branch) return nothing;
    return html`
      <button type="button" class="fab-button fab-secondary" ?disabled=${this._busy} @click=${this._sync}>
        ${t(this._busy ? 'fork.syncing' : 'fork.sync', { branch: this.branch })}
      </button>
      <div role="status">${this._outcome ?? nothing}</div>
    `;
  }

  private _sync = async () => {
    const repository = this.repository;
    const parent = repository?.parent;
    if (!repository || !parent) return;
    const branch = this.branch;
    this._busy = true;
    this._outcome = null;
    try {
      const result = await syncFork(repository.owner.login, repository.name, branch);
      const moved = result.merge_type === 'fast-forward';
      this._outcome = html`<p class="fab-success">
        ${t(moved ? 'fork.fastForwarded' : 'fork.upToDate', { branch, parent: parent.full_name, sha: shortSha(result.sha) })}
      </p>`;
    } catch (err) {
      const error = asApiError(err);
      this._outcome = html`<div class="fab-warning">
        ${error.status === 409
          ? html`<p>${t('fork.syncImpossible', { branch, parent: parent.full_name })} <span lang="en">${error.message}</span></p>`
          : apiErrorText(error, {})}
      </div>`;
    } finally {
      this._busy = false;
    }
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-sync-fork': FabSyncFork;
  }
}

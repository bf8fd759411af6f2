import { css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { LightDomElement } from './light-dom-element.js';
import { LocaleController, t } from './i18n/index.js';
import './i18n/areas/browse.js';
import { getMirrorStatus, syncMirror, type MirrorStatus } from './api/migrate.js';
import { asApiError } from './forms.js';
import './fab-relative-time.js';

/**
 * On a repository's home: where it was imported from ("imported from …") and, for a mirror, its
 * last sync, its last error and, to those who may write to it, a button to sync now. Nothing for a
 * repository created here.
 */
@customElement('fab-mirror-status')
export class FabMirrorStatus extends LightDomElement {
  static override styles = css`
    fab-mirror-status .fab-mirror {
      margin: 0 0 1rem;
      padding: 0.5rem 0.75rem;
      border-left: 4px solid var(--fab-border);
    }
    fab-mirror-status .fab-mirror p {
      margin: 0.25rem 0;
    }
    fab-mirror-status .fab-mirror a {
      overflow-wrap: anywhere;
    }
  `;

  @property() owner = '';
  @property() repo = '';

  @state() private _syncing = false;
  @state() private _syncError = '';

  private _locale = new LocaleController(this);

  private _status = new Task(this, {
    task: ([owner, repo], { signal }) => getMirrorStatus(owner, repo, signal),
    args: () => [this.owner, this.repo] as const,
  });

  override render() {
    const status = this._status.value;
    if (!status || status.original_url === '') return nothing;
    return html`<div class="fab-mirror">
      <p>
        ${status.mirror ? t('mirror.mirrorOf') : t('mirror.importedFrom')}
        <a href=${status.original_url} rel="nofollow noopener">${status.original_url}</a>
      </p>
      ${status.mirror ? this._renderMirror(status) : nothing}
    </div>`;
  }

  private _renderMirror(status: MirrorStatus) {
    return html`
      <p>
        ${t('mirror.lastSync')}
        ${status.last_sync_at ? html`<fab-relative-time .datetime=${status.last_sync_at}></fab-relative-time>` : t('mirror.never')}
      </p>
      ${status.last_error ? html`<p class="fab-warning">${t('mirror.error')} <span lang="en">${status.last_error}</span></p>` : nothing}
      ${status.can_sync
        ? html`<button class="fab-button fab-secondary" type="button" ?disabled=${this._syncing} @click=${this._sync}>
              ${this._syncing ? t('mirror.syncing') : t('mirror.syncNow')}
            </button>
            <div role="status" aria-live="polite">${this._syncing ? t('mirror.syncing') : nothing}</div>
            <div role="alert">${this._syncError ? html`<span lang="en">${this._syncError}</span>` : nothing}</div>`
        : nothing}
    `;
  }

  private async _sync(): Promise<void> {
    this._syncing = true;
    this._syncError = '';
    try {
      await syncMirror(this.owner, this.repo);
    } catch (err) {
      this._syncError = asApiError(err).message;
    } finally {
      this._syncing = false;
      void this._status.run();
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-mirror-status': FabMirrorStatus;
  }
}

import { css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { LightDomElement } from './light-dom-element.js';
import { LocaleController, t } from './i18n/index.js';
import './i18n/areas/browse.js';
import { archiveUrl } from './api/browse.js';

/**
 * The repository's HTTPS clone URL and `git clone` command, each shown whole (long URLs wrap
 * rather than being cut in a field) with a copy button, and the archives of a ref.
 */
@customElement('fab-clone-box')
export class FabCloneBox extends LightDomElement {
  static override styles = css`
    fab-clone-box {
      display: block;
    }
    fab-clone-box .fab-clone-row {
      display: grid;
      grid-template-columns: minmax(0, 1fr) auto;
      gap: 0.25rem 0.5rem;
      align-items: center;
      margin: 0 0 0.75rem;
    }
    fab-clone-box .fab-clone-label {
      grid-column: 1 / -1;
      margin: 0;
      font-size: 0.875rem;
      font-weight: 600;
    }
    fab-clone-box code.fab-clone-value {
      display: block;
      min-width: 0;
      padding: 0.375rem 0.5rem;
      font: 0.875rem/1.4 var(--fab-mono);
      color: var(--fab-text);
      background: var(--fab-surface);
      border: 1px solid var(--fab-border);
      border-radius: var(--fab-radius);
      /* The whole URL is visible, broken anywhere if it must, and selected at once. */
      overflow-wrap: anywhere;
      user-select: all;
    }
    fab-clone-box button {
      font: inherit;
      font-size: 0.875rem;
      padding: 0.375rem 0.75rem;
      color: var(--fab-accent-dark);
      background: var(--fab-bg);
      border: 1px solid var(--fab-accent);
      border-radius: var(--fab-radius);
      cursor: pointer;
    }
    fab-clone-box ul {
      display: flex;
      flex-wrap: wrap;
      gap: 0.25rem 1rem;
      margin: 0;
      padding: 0;
      list-style: none;
      font-size: 0.875rem;
    }
    fab-clone-box [role='status'] {
      min-height: 1.25em;
      margin: 0;
      font-size: 0.875rem;
    }
  `;

  @property() owner = '';
  @property() repo = '';
  /** The ref whose archives are offered; none when empty (an empty repository). */
  @property() ref = '';

  @state() private _message = '';

  private _locale = new LocaleController(this);

  /** The clone URL as this browser reaches the forge. */
  get url(): string {
    return `${location.origin}/${encodeURIComponent(this.owner)}/${encodeURIComponent(this.repo)}.git`;
  }

  private async _copy(text: string) {
    try {
      await navigator.clipboard.writeText(text);
      this._message = t('repo.copied');
    } catch {
      this._message = t('repo.copyFailed');
    }
  }

  override render() {
    const command = `git clone ${this.url}`;
    const row = (suffix: string, label: string, value: string, button: string) => html`
      <div class="fab-clone-row">
        <p class="fab-clone-label">${label}</p>
        <code class="fab-clone-value" data-clone=${suffix}>${value}</code>
        <button type="button" @click=${() => this._copy(value)}>${button}</button>
      </div>
    `;
    return html`
      ${row('url', t('repo.cloneUrl'), this.url, t('repo.copyUrl'))} ${row('cmd', t('repo.cloneCommand'), command, t('repo.copyCommand'))}
      <p role="status">${this._message}</p>
      ${this.ref
        ? html`<p class="fab-clone-label">${t('repo.download')}</p>
            <ul>
              <li><a href=${archiveUrl(this.owner, this.repo, this.ref, 'zip')} download>${t('repo.archiveZip', { ref: this.ref })}</a></li>
              <li><a href=${archiveUrl(this.owner, this.repo, this.ref, 'tar.gz')} download>${t('repo.archiveTarGz', { ref: this.ref })}</a></li>
            </ul>`
        : ''}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-clone-box': FabCloneBox;
  }
}

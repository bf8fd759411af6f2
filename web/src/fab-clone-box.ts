import { css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { LightDomElement } from './light-dom-element.js';
import { LocaleController, t } from './i18n/index.js';

let counter = 0;

/** The repository's HTTPS clone URL and `git clone` command, each with a copy button. */
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
      margin-bottom: 0.5rem;
    }
    fab-clone-box label {
      grid-column: 1 / -1;
    }
    fab-clone-box input {
      width: 100%;
      min-width: 0;
      padding: 0.25rem 0.5rem;
      font: 0.875rem var(--fab-mono);
      color: var(--fab-text);
      background: var(--fab-surface);
      border: 1px solid var(--fab-border);
      border-radius: var(--fab-radius);
    }
    fab-clone-box button {
      font: inherit;
      padding: 0.25rem 0.75rem;
      color: var(--fab-accent-dark);
      background: var(--fab-bg);
      border: 1px solid var(--fab-accent);
      border-radius: var(--fab-radius);
      cursor: pointer;
    }
    fab-clone-box [role='status'] {
      min-height: 1.5em;
      margin: 0;
      font-size: 0.875rem;
    }
  `;

  @property() owner = '';
  @property() repo = '';

  @state() private _message = '';

  private _locale = new LocaleController(this);
  private readonly _id = `fab-clone-${++counter}`;

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
        <label for=${`${this._id}-${suffix}`}>${label}</label>
        <input id=${`${this._id}-${suffix}`} type="text" readonly .value=${value} @focus=${(e: FocusEvent) => (e.target as HTMLInputElement).select()} />
        <button type="button" @click=${() => this._copy(value)}>${button}</button>
      </div>
    `;
    return html`
      ${row('url', t('repo.cloneUrl'), this.url, t('repo.copyUrl'))} ${row('cmd', t('repo.cloneCommand'), command, t('repo.copyCommand'))}
      <p role="status">${this._message}</p>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-clone-box': FabCloneBox;
  }
}

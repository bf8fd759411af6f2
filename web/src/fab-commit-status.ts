import { css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { LightDomElement } from './light-dom-element.js';
import { LocaleController, t, type MessageKey } from './i18n/index.js';
import './i18n/areas/browse.js';
import type { CommitStatusState } from './api/statuses.js';

/** Each state's shape (never its colour alone) and its name for assistive technologies. */
const STATES: Record<CommitStatusState, { symbol: string; label: MessageKey }> = {
  success: { symbol: '✓', label: 'status.success' },
  pending: { symbol: '●', label: 'status.pending' },
  warning: { symbol: '!', label: 'status.warning' },
  failure: { symbol: '✗', label: 'status.failure' },
  error: { symbol: '✗', label: 'status.error' },
};

/** A commit's (or a check's) state as an icon with an accessible name; nothing when there is no state. */
@customElement('fab-commit-status')
export class FabCommitStatus extends LightDomElement {
  static override styles = css`
    fab-commit-status span {
      display: inline-block;
      min-width: 1.25em;
      font-weight: 700;
      text-align: center;
    }
    fab-commit-status [data-state='success'] {
      color: var(--fab-success);
    }
    fab-commit-status [data-state='pending'],
    fab-commit-status [data-state='warning'] {
      color: #7a4b00;
    }
    fab-commit-status [data-state='failure'],
    fab-commit-status [data-state='error'] {
      color: var(--fab-danger);
    }
  `;

  @property() state: CommitStatusState | '' | null = null;

  private _locale = new LocaleController(this);

  override render() {
    if (!this.state) return nothing;
    const { symbol, label } = STATES[this.state];
    return html`<span role="img" data-state=${this.state} aria-label=${t(label)} title=${t(label)}>${symbol}</span>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-commit-status': FabCommitStatus;
  }
}

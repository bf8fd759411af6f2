import { css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { LightDomElement } from './light-dom-element.js';
import { LocaleController, t, type MessageKey } from './i18n/index.js';
import './i18n/areas/issues.js';
import { listReactions, setReaction, type ReactionContent, type ReactionTarget } from './api/issues.js';
import { ApiError } from './api/client.js';
import { apiErrorText, asApiError } from './forms.js';
import { SessionController } from './session.js';

// Typed by the contract's list, so that a reaction it adds fails the type check here; the contract
// module itself stays out of the browser's bundle (it carries TypeBox).
const EMOJI: Record<ReactionContent, string> = {
  '+1': '👍',
  '-1': '👎',
  laugh: '😄',
  hooray: '🎉',
  confused: '😕',
  heart: '❤️',
  rocket: '🚀',
  eyes: '👀',
};

const REACTIONS = Object.keys(EMOJI) as ReactionContent[];

const NAMES: Record<ReactionContent, MessageKey> = {
  '+1': 'reactions.plusOne',
  '-1': 'reactions.minusOne',
  laugh: 'reactions.laugh',
  hooray: 'reactions.hooray',
  confused: 'reactions.confused',
  heart: 'reactions.heart',
  rocket: 'reactions.rocket',
  eyes: 'reactions.eyes',
};

/**
 * The reactions under an issue's text or a comment: those given, with their counts (toggle buttons,
 * pressed when the viewer's, for signed-in viewers), and a "React" menu naming each reaction in
 * words as well (an emoji alone may not render, and says little to a screen reader). Visitors see
 * the counts only.
 */
@customElement('fab-issue-reactions')
export class FabIssueReactions extends LightDomElement {
  static override styles = css`
    fab-issue-reactions .fab-reactions {
      display: flex;
      flex-wrap: wrap;
      gap: 0.375rem 0.75rem;
      align-items: start;
      margin-top: 0.5rem;
    }
    fab-issue-reactions summary {
      min-height: 2rem;
      padding: 0.25rem 0;
      color: var(--fab-accent);
      cursor: pointer;
    }
    fab-issue-reactions ul {
      display: flex;
      flex-wrap: wrap;
      gap: 0.375rem;
      margin: 0;
      padding: 0;
      list-style: none;
    }
    fab-issue-reactions details ul {
      margin-top: 0.25rem;
    }
    fab-issue-reactions button,
    fab-issue-reactions .fab-reaction {
      display: inline-flex;
      gap: 0.25rem;
      align-items: center;
      min-height: 2rem;
      padding: 0 0.5rem;
      font: inherit;
      color: var(--fab-text);
      background: var(--fab-bg);
      border: 1px solid var(--fab-border);
      border-radius: 1rem;
    }
    fab-issue-reactions button {
      cursor: pointer;
    }
    fab-issue-reactions button[aria-pressed='true'] {
      background: var(--fab-surface);
      border: 2px solid var(--fab-accent);
    }
  `;

  @property() owner = '';
  @property() repo = '';
  @property({ attribute: false }) target: ReactionTarget | null = null;
  /** False on a locked or read-only conversation: counts only. */
  @property({ type: Boolean }) canReact = false;

  @state() private _error: ApiError | null = null;

  private _locale = new LocaleController(this);
  private _session = new SessionController(this);

  private _reactions = new Task(this, {
    task: ([owner, repo, target], { signal }) => (target ? listReactions(owner, repo, target, signal) : Promise.resolve([])),
    args: () => [this.owner, this.repo, this.target] as const,
  });

  override render() {
    const reactions = this._reactions.value;
    if (!reactions) return nothing;
    const login = this._session.user?.login;
    const interactive = this.canReact && login !== undefined;
    const entries = REACTIONS.map((content) => {
      const of = reactions.filter((r) => r.content === content);
      return { content, count: of.length, mine: of.some((r) => r.user.login === login) };
    });
    const given = entries.filter((entry) => entry.count > 0);
    if (given.length === 0 && !interactive) return nothing;
    return html`<div class="fab-reactions">
        ${given.length > 0
          ? html`<ul aria-label=${t('reactions.label')}>
              ${given.map(({ content, count, mine }) => {
                const label = t('reactions.count', { name: t(NAMES[content]), count });
                const face = html`<span aria-hidden="true">${EMOJI[content]} ${count}</span>`;
                return html`<li>
                  ${interactive
                    ? html`<button type="button" aria-pressed=${mine ? 'true' : 'false'} aria-label=${label} title=${label} @click=${() => this._toggle(content, !mine)}>${face}</button>`
                    : html`<span class="fab-reaction" role="img" aria-label=${label} title=${label}>${face}</span>`}
                </li>`;
              })}
            </ul>`
          : nothing}
        ${interactive
          ? html`<details>
              <summary>${t('reactions.add')}</summary>
              <ul>
                ${entries.map(
                  ({ content, mine }) => html`<li>
                    <button type="button" aria-pressed=${mine ? 'true' : 'false'} @click=${() => this._toggle(content, !mine)}>
                      <span aria-hidden="true">${EMOJI[content]}</span>${t(NAMES[content])}
                    </button>
                  </li>`,
                )}
              </ul>
            </details>`
          : nothing}
      </div>
      <div role="alert" class="fab-alert">${this._error ? apiErrorText(this._error, {}) : nothing}</div>`;
  }

  private async _toggle(content: ReactionContent, on: boolean) {
    if (!this.target) return;
    this._error = null;
    try {
      await setReaction(this.owner, this.repo, this.target, content, on);
    } catch (err) {
      this._error = asApiError(err);
    }
    void this._reactions.run();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-issue-reactions': FabIssueReactions;
  }
}

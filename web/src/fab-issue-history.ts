import { css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { LightDomElement } from './light-dom-element.js';
import { LocaleController, t } from './i18n/index.js';
import './i18n/areas/issues.js';
import { listContentHistory, type HistoryTarget } from './api/issues.js';
import { renderTask } from './task-status.js';
import './fab-relative-time.js';

/**
 * The "edited" marker of an issue's text or a comment: a disclosure that, once opened, lists the
 * earlier versions (who wrote each, when, and its Markdown source), visible to every reader.
 */
@customElement('fab-issue-history')
export class FabIssueHistory extends LightDomElement {
  static override styles = css`
    fab-issue-history {
      display: inline-block;
      max-width: 100%;
    }
    fab-issue-history summary {
      color: var(--fab-muted);
      cursor: pointer;
    }
    fab-issue-history ol {
      margin: 0.5rem 0;
      padding: 0;
      list-style: none;
    }
    fab-issue-history li + li {
      margin-top: 0.5rem;
    }
    fab-issue-history pre {
      margin: 0.25rem 0 0;
      padding: 0.5rem;
      white-space: pre-wrap;
      overflow-wrap: anywhere;
      background: var(--fab-surface);
      border-radius: var(--fab-radius);
    }
  `;

  @property() owner = '';
  @property() repo = '';
  @property({ attribute: false }) target: HistoryTarget | null = null;

  /** The versions load only when someone opens the disclosure. */
  @state() private _open = false;

  private _locale = new LocaleController(this);

  private _versions = new Task(this, {
    task: ([owner, repo, target, open], { signal }) => (target && open ? listContentHistory(owner, repo, target, signal) : Promise.resolve([])),
    args: () => [this.owner, this.repo, this.target, this._open] as const,
  });

  override render() {
    return html`<details @toggle=${this._onToggle}>
      <summary>${t('issueHistory.edited')}</summary>
      ${this._open
        ? renderTask(this._versions, (versions) =>
            versions.length === 0
              ? html`<p>${t('issueHistory.none')}</p>`
              : html`<ol aria-label=${t('issueHistory.label')}>
                  ${versions.map(
                    (v) => html`<li>
                      ${t('issueHistory.version', { user: v.editor?.login ?? t('timeline.someone') })}
                      <fab-relative-time .datetime=${v.created_at}></fab-relative-time>
                      <pre>${v.body}</pre>
                    </li>`,
                  )}
                </ol>`,
          )
        : nothing}
    </details>`;
  }

  private _onToggle = (event: Event) => {
    this._open = (event.currentTarget as HTMLDetailsElement).open;
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-issue-history': FabIssueHistory;
  }
}

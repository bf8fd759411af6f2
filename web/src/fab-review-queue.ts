import { css, html } from 'lit';
import { customElement } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { LightDomElement } from './light-dom-element.js';
import { LocaleController, t } from './i18n/index.js';
import { listReviewRequested } from './api/pulls.js';
import { renderTask } from './task-status.js';
import './fab-relative-time.js';

/**
 * The signed-in user's "to review" list: open pull requests whose review is asked of them and not
 * given yet, newest first, each with its repository and author.
 */
@customElement('fab-review-queue')
export class FabReviewQueue extends LightDomElement {
  static override styles = css`
    fab-review-queue {
      display: block;
      margin-bottom: 1.5rem;
    }
    fab-review-queue ul {
      margin: 0;
      padding: 0;
      list-style: none;
      border: 1px solid var(--fab-border);
      border-radius: var(--fab-radius);
    }
    fab-review-queue li {
      padding: 0.5rem 0.75rem;
    }
    fab-review-queue li + li {
      border-top: 1px solid var(--fab-border);
    }
    fab-review-queue li a {
      font-weight: 600;
    }
    fab-review-queue li p {
      margin: 0.125rem 0 0;
      color: var(--fab-muted);
    }
  `;

  private _locale = new LocaleController(this);

  private _requests = new Task(this, {
    task: (_args: [], { signal }) => listReviewRequested(signal),
    args: () => [] as [],
  });

  override render() {
    return html`<section aria-labelledby="fab-review-queue-heading">
      <h2 id="fab-review-queue-heading">${t('toReview.heading')}</h2>
      ${renderTask(this._requests, (pulls) =>
        pulls.length === 0
          ? html`<p>${t('toReview.none')}</p>`
          : html`<ul>
              ${pulls.map(
                (pull) => html`<li>
                  <a href=${`/${encodeURIComponent(pull.repository.owner)}/${encodeURIComponent(pull.repository.name)}/pulls/${pull.number}`}>${pull.title}</a>
                  <p>
                    ${t('toReview.by', { repo: pull.repository.full_name, number: pull.number, user: pull.user.login })} ·
                    <fab-relative-time .datetime=${pull.created_at}></fab-relative-time>
                  </p>
                </li>`,
              )}
            </ul>`,
      )}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-review-queue': FabReviewQueue;
  }
}

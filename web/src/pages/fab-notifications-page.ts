import { css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { LightDomElement } from '../light-dom-element.js';
import { LocaleController, t, type MessageKey } from '../i18n/index.js';
import '../i18n/areas/browse.js';
import '../i18n/areas/pulls.js';
import {
  NOTIFICATIONS_CHANGED,
  listNotifications,
  markAllNotificationsRead,
  markNotificationRead,
  type NotificationTab,
  type NotificationThread,
} from '../api/notifications.js';
import type { ApiError } from '../api/client.js';
import { apiErrorText, asApiError, formStyles } from '../forms.js';
import { SessionController } from '../session.js';
import { renderTask } from '../task-status.js';
import '../fab-relative-time.js';
import '../fab-pager.js';

const PAGE_SIZE = 30;
const TABS: [NotificationTab, MessageKey][] = [
  ['unread', 'notifications.unread'],
  ['read', 'notifications.read'],
];
const STATE: Record<string, MessageKey> = { open: 'pulls.stateOpen', closed: 'pulls.stateClosed', merged: 'pulls.stateMerged' };
const REASONS: Record<string, MessageKey> = {
  mention: 'notifications.reason.mention',
  assigned: 'notifications.reason.assigned',
  review_requested: 'notifications.reason.review_requested',
  comment: 'notifications.reason.comment',
  subscribed: 'notifications.reason.subscribed',
};

/** `/notifications?tab=unread|read`: the signed-in user's inbox; each entry links to its conversation and can be marked read. */
@customElement('fab-notifications-page')
export class FabNotificationsPage extends LightDomElement {
  static override styles = [
    formStyles,
    css`
      fab-notifications-page .fab-notifications-bar {
        display: flex;
        flex-wrap: wrap;
        justify-content: space-between;
        gap: 0.5rem 1rem;
        align-items: center;
      }
      fab-notifications-page .fab-notifications-bar ul {
        display: flex;
        gap: 1.25rem;
        margin: 0;
        padding: 0;
        list-style: none;
      }
      fab-notifications-page .fab-notifications-bar a[aria-current='page'] {
        font-weight: 600;
        text-decoration-thickness: 3px;
      }
      fab-notifications-page ol.fab-notifications {
        margin: 1rem 0 0;
        padding: 0;
        list-style: none;
        border: 1px solid var(--fab-border);
        border-radius: var(--fab-radius);
      }
      fab-notifications-page ol.fab-notifications li {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 1rem;
        justify-content: space-between;
        align-items: center;
        padding: 0.5rem 0.75rem;
      }
      fab-notifications-page ol.fab-notifications li + li {
        border-top: 1px solid var(--fab-border);
      }
      fab-notifications-page .fab-notification-repo {
        margin: 0;
        color: var(--fab-muted);
        font-size: 0.9375rem;
      }
      fab-notifications-page .fab-notification-title {
        font-weight: 600;
        overflow-wrap: anywhere;
      }
      fab-notifications-page .fab-notification-info {
        margin: 0.125rem 0 0;
        color: var(--fab-muted);
        font-size: 0.9375rem;
      }
    `,
  ];

  @property() tab: NotificationTab = 'unread';
  @property({ type: Number }) page = 1;

  @state() private _error: ApiError | null = null;
  @state() private _busy = false;

  private _locale = new LocaleController(this);
  private _session = new SessionController(this);

  private _threads = new Task(this, {
    task: ([login, tab, page], { signal }) => (login ? listNotifications(tab, page, signal) : Promise.resolve([])),
    args: () => [this._session.user?.login ?? '', this.tab, this.page] as const,
  });

  override render() {
    const heading = html`<h1>${t('notifications.title')}</h1>`;
    if (!this._session.loaded) return heading;
    if (!this._session.user) {
      return html`${heading}
        <p><a href="/user/login?redirect_to=%2Fnotifications">${t('notifications.signIn')}</a></p>`;
    }
    const threads = this._threads.value ?? [];
    return html`
      ${heading}
      <div class="fab-notifications-bar">
        <nav aria-label=${t('notifications.tabs')}>
          <ul>
            ${TABS.map(([tab, label]) => html`<li><a href=${`/notifications?tab=${tab}`} aria-current=${this.tab === tab ? 'page' : 'false'}>${t(label)}</a></li>`)}
          </ul>
        </nav>
        ${this.tab === 'unread' && threads.length > 0
          ? html`<button type="button" class="fab-button fab-secondary" ?disabled=${this._busy} @click=${this._markAll}>${t('notifications.markAll')}</button>`
          : nothing}
      </div>
      <div role="alert" class="fab-alert">${this._error ? apiErrorText(this._error, {}) : nothing}</div>
      ${renderTask(this._threads, (list) => this._renderList(list))}
    `;
  }

  private _renderList(threads: NotificationThread[]) {
    if (threads.length === 0) return html`<p>${t(this.tab === 'unread' ? 'notifications.emptyUnread' : 'notifications.emptyRead')}</p>`;
    return html`
      <ol class="fab-notifications">
        ${threads.map((thread) => this._renderThread(thread))}
      </ol>
      <fab-pager .page=${this.page} ?hasNext=${threads.length === PAGE_SIZE}></fab-pager>
    `;
  }

  private _renderThread(thread: NotificationThread) {
    const { subject } = thread;
    // The page links within the forge: the subject's path, whatever host the API wrote.
    const href = new URL(subject.html_url).pathname + new URL(subject.html_url).hash;
    const number = href.split('/').pop()?.split('#')[0] ?? '';
    const reason = REASONS[thread.reason];
    return html`<li>
      <div>
        <p class="fab-notification-repo">${thread.repository.full_name} #${number}</p>
        <a class="fab-notification-title" href=${href}>${subject.title}</a>
        <p class="fab-notification-info">
          ${t(subject.type === 'Pull' ? 'notifications.typePull' : 'notifications.typeIssue')} ·
          ${STATE[subject.state] ? t(STATE[subject.state]) : subject.state}${reason ? html` · ${t(reason)}` : nothing} ·
          <fab-relative-time .datetime=${thread.updated_at}></fab-relative-time>
        </p>
      </div>
      ${thread.unread
        ? html`<button
            type="button"
            class="fab-button fab-secondary"
            aria-label=${t('notifications.markReadNamed', { title: subject.title })}
            ?disabled=${this._busy}
            @click=${() => this._markRead(thread.id)}
          >
            ${t('notifications.markRead')}
          </button>`
        : nothing}
    </li>`;
  }

  private async _markRead(id: number): Promise<void> {
    await this._change(() => markNotificationRead(id));
  }

  private async _markAll(): Promise<void> {
    await this._change(() => markAllNotificationsRead());
  }

  /** Runs a change, then reads the list again and tells the header's badge. */
  private async _change(change: () => Promise<void>): Promise<void> {
    this._busy = true;
    this._error = null;
    try {
      await change();
      window.dispatchEvent(new Event(NOTIFICATIONS_CHANGED));
      await this._threads.run();
    } catch (err) {
      this._error = asApiError(err);
    } finally {
      this._busy = false;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-notifications-page': FabNotificationsPage;
  }
}

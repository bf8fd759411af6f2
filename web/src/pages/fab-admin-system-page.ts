import { html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { t, type MessageKey } from '../i18n/index.js';
import '../i18n/areas/admin.js';
import type { ApiError } from '../api/client.js';
import { runCronTask, systemInfo, type CronTask, type SystemInfo } from '../api/admin.js';
import { apiErrorText, asApiError, formStyles } from '../forms.js';
import { renderTask } from '../task-status.js';
import { FabAdminPage, adminStyles, formatBytes, formatDate } from './fab-admin-nav.js';

/** What each background task does, in the interface's language (Gitea's task names stay as they are). */
const TASK_LABELS: Record<string, MessageKey> = {
  git_gc_repos: 'admin.system.task.gc',
  update_mirrors: 'admin.system.task.mirrors',
  cleanup_hook_task_table: 'admin.system.task.hooks',
};

/** `/-/admin`: versions, disk use, queue lengths, background tasks (run one now) and what failed last. */
@customElement('fab-admin-system-page')
export class FabAdminSystemPage extends FabAdminPage {
  static override styles = [formStyles, adminStyles];
  protected readonly tab = 'system';

  @state() private _error: ApiError | null = null;
  @state() private _started: string | null = null;

  private _info = new Task(this, {
    task: ([admin], { signal }) => (admin ? systemInfo(signal) : Promise.resolve(null)),
    args: () => [this.isAdmin] as const,
  });

  protected renderPage() {
    return html`
      <h1>${t('admin.system.heading')}</h1>
      <div class="fab-alert" role="alert">${this._error ? apiErrorText(this._error, {}) : nothing}</div>
      <div role="status">${this._started ? html`<p class="fab-success">${t('admin.system.started', { task: this._started })}</p>` : nothing}</div>
      ${renderTask(this._info, (info) => (info ? this._renderInfo(info) : html``))}
    `;
  }

  private _renderInfo(info: SystemInfo) {
    return html`
      <h2>${t('admin.system.versions')}</h2>
      <dl class="fab-admin-facts">
        <dt>Fabrique</dt><dd>${info.version}</dd>
        <dt>Node.js</dt><dd>${info.node_version}</dd>
        <dt>git</dt><dd>${info.git_version}</dd>
      </dl>
      <h2>${t('admin.system.disk')}</h2>
      <dl class="fab-admin-facts">
        <dt>${t('admin.system.repos')}</dt><dd>${formatBytes(info.repos_bytes)}</dd>
        <dt>${t('admin.system.data')}</dt><dd>${formatBytes(info.data_bytes)}</dd>
        <dt>${t('admin.system.free')}</dt><dd>${formatBytes(info.free_bytes)}</dd>
        <dt>${t('admin.system.counts')}</dt>
        <dd>${t('admin.system.countsValue', { users: info.counts.users, orgs: info.counts.organizations, repos: info.counts.repositories })}</dd>
      </dl>
      <h2>${t('admin.system.queues')}</h2>
      <dl class="fab-admin-facts">
        <dt>${t('admin.system.pendingDeliveries')}</dt><dd>${info.queues.pending_deliveries}</dd>
        <dt>${t('admin.system.failedDeliveries')}</dt><dd>${info.queues.failed_deliveries}</dd>
        <dt>${t('admin.system.failingMirrors')}</dt><dd>${info.queues.failing_mirrors}</dd>
      </dl>
      <h2>${t('admin.system.tasks')}</h2>
      <ul class="fab-admin-list">
        ${info.cron.map((task) => this._renderTask(task))}
      </ul>
      <h2>${t('admin.system.failedDeliveriesList')}</h2>
      ${info.failed_deliveries.length === 0
        ? html`<p>${t('admin.system.noFailures')}</p>`
        : html`<ul class="fab-admin-list">
            ${info.failed_deliveries.map(
              (d) => html`<li>
                <dl class="fab-admin-facts">
                  <dt>${t('admin.system.hook')}</dt><dd><code>${d.url}</code>${d.repository ? html` (${d.repository})` : nothing}</dd>
                  <dt>${t('admin.system.event')}</dt><dd>${d.event}</dd>
                  <dt>${t('admin.system.when')}</dt><dd>${formatDate(d.attempted_at)}</dd>
                  <dt>${t('admin.system.error')}</dt><dd lang="en">${d.error || (d.response_status ? `HTTP ${d.response_status}` : '')}</dd>
                </dl>
              </li>`,
            )}
          </ul>`}
      <h2>${t('admin.system.failingMirrorsList')}</h2>
      ${info.failing_mirrors.length === 0
        ? html`<p>${t('admin.system.noFailures')}</p>`
        : html`<ul class="fab-admin-list">
            ${info.failing_mirrors.map(
              (m) => html`<li>
                <dl class="fab-admin-facts">
                  <dt>${t('admin.system.mirror')}</dt><dd><a href=${`/${m.full_name}`}>${m.full_name}</a></dd>
                  <dt>${t('admin.system.lastSync')}</dt><dd>${formatDate(m.last_sync_at)}</dd>
                  <dt>${t('admin.system.error')}</dt><dd lang="en">${m.last_error}</dd>
                </dl>
              </li>`,
            )}
          </ul>`}
    `;
  }

  private _renderTask(task: CronTask) {
    const label = TASK_LABELS[task.name];
    return html`<li>
      <h3><code>${task.name}</code>${label ? html` — ${t(label)}` : nothing}</h3>
      <dl class="fab-admin-facts">
        <dt>${t('admin.system.schedule')}</dt><dd><code>${task.schedule}</code></dd>
        <dt>${t('admin.system.prev')}</dt><dd>${formatDate(task.prev)}</dd>
        <dt>${t('admin.system.next')}</dt><dd>${formatDate(task.next)}</dd>
        <dt>${t('admin.system.execTimes')}</dt><dd>${task.exec_times}</dd>
        ${task.last_duration_ms !== null ? html`<dt>${t('admin.system.duration')}</dt><dd>${t('admin.system.ms', { ms: task.last_duration_ms })}</dd>` : nothing}
        ${task.last_error ? html`<dt>${t('admin.system.error')}</dt><dd class="fab-danger-text" lang="en">${task.last_error}</dd>` : nothing}
      </dl>
      <div class="fab-admin-actions">
        <button class="fab-button fab-secondary" type="button" @click=${() => this._run(task.name)}>
          ${t('admin.system.runNow')}<span class="visually-hidden"> ${task.name}</span>
        </button>
      </div>
    </li>`;
  }

  private async _run(name: string) {
    this._error = null;
    this._started = null;
    try {
      await runCronTask(name);
      this._started = name;
      void this._info.run();
    } catch (err) {
      this._error = asApiError(err);
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-admin-system-page': FabAdminSystemPage;
  }
}

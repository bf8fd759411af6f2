import { css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { LightDomElement } from '../light-dom-element.js';
import { LocaleController, t, type MessageKey } from '../i18n/index.js';
import '../i18n/areas/issues.js';
import '../i18n/areas/orgs.js';
import '../i18n/areas/repoSettings.js';
import type { ApiError } from '../api/client.js';
import { getRepository } from '../api/repos.js';
import { createHook, deleteHook, editHook, listDeliveries, listHooks, redeliver, testHook, type Hook, type HookDelivery } from '../api/webhooks.js';
import { WEBHOOK_EVENTS, WEBHOOK_TYPES } from '../../../contract/webhook-events.js';
import { apiErrorText, asApiError, formStyles } from '../forms.js';
import '../fab-repo-header.js';
import '../fab-relative-time.js';

type EventsMode = 'push_only' | 'everything' | 'chosen';

/** What a hook's events say in the form's terms: push only, everything (the full list), or the chosen ones. */
function modeOf(hook: Hook | null): EventsMode {
  if (!hook || (hook.events.length === 1 && hook.events[0] === 'push')) return 'push_only';
  return hook.events.length === WEBHOOK_EVENTS.length ? 'everything' : 'chosen';
}

const STATUS_KEYS: Record<HookDelivery['status'], MessageKey> = {
  pending: 'webhooks.status.pending',
  delivered: 'webhooks.status.delivered',
  failed: 'webhooks.status.failed',
};

const headerLines = (headers: Record<string, string>) =>
  Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join('\n');

/**
 * `/{owner}/{repo}/settings/hooks`: the repository's webhooks (administrators only): the list, a
 * form to add one (URL, secret, content type, events, branch filter, active), editing, deletion
 * after a confirmation, a test delivery, and each hook's recent deliveries with what was sent and
 * received, each of which can be sent again.
 */
@customElement('fab-webhooks-page')
export class FabWebhooksPage extends LightDomElement {
  static override styles = [
    formStyles,
    css`
      fab-webhooks-page .fab-hook {
        margin: 1rem 0;
        padding: 0.75rem 1rem;
        border: 1px solid var(--fab-border);
        border-radius: var(--fab-radius);
      }
      fab-webhooks-page .fab-hook h3 {
        margin: 0 0 0.5rem;
        font-family: var(--fab-mono);
        font-size: 1rem;
        overflow-wrap: anywhere;
      }
      fab-webhooks-page fieldset {
        border: 1px solid var(--fab-border);
        border-radius: var(--fab-radius);
      }
      fab-webhooks-page .fab-events {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr));
        gap: 0.25rem 1rem;
      }
      fab-webhooks-page .fab-actions {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: center;
      }
      fab-webhooks-page table {
        width: 100%;
        border-collapse: collapse;
      }
      fab-webhooks-page th,
      fab-webhooks-page td {
        padding: 0.5rem;
        text-align: left;
        vertical-align: top;
        border-bottom: 1px solid var(--fab-border);
      }
      fab-webhooks-page pre {
        max-height: 20rem;
        overflow: auto;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        font-size: 0.8125rem;
      }
      fab-webhooks-page .fab-choice {
        display: flex;
        gap: 0.5rem;
        align-items: center;
      }
      fab-webhooks-page .fab-form .fab-choice input {
        width: auto;
        margin: 0;
      }
      fab-webhooks-page .fab-table-scroll {
        overflow-x: auto;
      }
    `,
  ];

  @property() owner = '';
  @property() repo = '';

  @state() private _error: ApiError | null = null;
  @state() private _saved: string | null = null;
  /** The hook whose deletion waits for a confirmation. */
  @state() private _confirming: number | null = null;
  /** The hook whose deliveries are shown. */
  @state() private _shown: number | null = null;
  /** The events mode chosen in each form (by form id), so that the checkboxes show only for chosen events. */
  @state() private _modes: Record<string, EventsMode> = {};

  private _locale = new LocaleController(this);

  private _repository = new Task(this, {
    task: ([owner, repo], { signal }) => getRepository(owner, repo, signal),
    args: () => [this.owner, this.repo] as const,
  });

  private _hooks = new Task(this, {
    task: ([owner, repo], { signal }) => listHooks(owner, repo, signal),
    args: () => [this.owner, this.repo] as const,
  });

  private _deliveries = new Task(this, {
    task: ([owner, repo, id], { signal }) => (id === null ? Promise.resolve([]) : listDeliveries(owner, repo, id, signal)),
    args: () => [this.owner, this.repo, this._shown] as const,
  });

  override render() {
    const settings = `/${encodeURIComponent(this.owner)}/${encodeURIComponent(this.repo)}/settings`;
    return html`
      <fab-repo-header .owner=${this.owner} .repo=${this.repo} tab="settings" .admin=${this._repository.value?.permissions.admin ?? false}></fab-repo-header>
      <h1>${t('webhooks.heading', { repo: `${this.owner}/${this.repo}` })}</h1>
      <p><a href=${settings}>${t('webhooks.backToSettings')}</a></p>
      <p class="fab-hint">${t('webhooks.intro')}</p>
      <div class="fab-alert" role="alert">${this._error ? apiErrorText(this._error, { 403: 'repoSettings.forbidden', 404: 'repoSettings.notFound' }) : nothing}</div>
      <div role="status">${this._saved ? html`<p class="fab-success">${this._saved}</p>` : nothing}</div>
      ${this._hooks.render({
        pending: () => html`<p role="status">${t('org.loading')}</p>`,
        error: (err) => html`<div class="fab-alert">${apiErrorText(asApiError(err), { 403: 'repoSettings.forbidden', 404: 'repoSettings.notFound' })}</div>`,
        complete: (hooks) => html`<h2>${t('webhooks.list')}</h2>
          ${hooks.length === 0 ? html`<p>${t('webhooks.none')}</p>` : hooks.map((hook) => this._renderHook(hook))}
          <h2 id="webhook-new-heading">${t('webhooks.add')}</h2>
          ${this._renderForm(null, 'hook-new')}`,
      })}
    `;
  }

  private _renderHook(hook: Hook) {
    const id = `hook-${hook.id}`;
    return html`<article class="fab-hook" aria-labelledby=${`${id}-title`}>
      <h3 id=${`${id}-title`}>${hook.config.url}</h3>
      <p>
        ${t(hook.active ? 'webhooks.active' : 'webhooks.inactive')} · ${hook.type} · ${hook.config.content_type}
        · ${t('webhooks.eventsSummary', { events: modeOf(hook) === 'everything' ? t('webhooks.mode.everything') : hook.events.join(', ') })}
        ${hook.branch_filter ? html` · ${t('webhooks.branchFilter')} <code>${hook.branch_filter}</code>` : nothing}
      </p>
      ${hook.disabled_reason ? html`<p class="fab-alert">${t('webhooks.disabledNotice', { reason: hook.disabled_reason })}</p>` : nothing}
      <div class="fab-actions">
        <button class="fab-button fab-secondary" type="button" @click=${() => this._test(hook)}>${t('webhooks.test')}</button>
        <button class="fab-button fab-secondary" type="button" aria-expanded=${this._shown === hook.id ? 'true' : 'false'} @click=${() => (this._shown = this._shown === hook.id ? null : hook.id)}>
          ${t('webhooks.deliveries')}
        </button>
        ${this._confirming === hook.id
          ? html`<span role="group" class="fab-actions" aria-labelledby=${`${id}-ask`}>
              <span id=${`${id}-ask`}>${t('webhooks.deleteAsk', { url: hook.config.url })}</span>
              <button class="fab-button fab-danger" type="button" @click=${() => this._delete(hook)}>${t('webhooks.deleteConfirm')}</button>
              <button class="fab-button fab-secondary" type="button" @click=${() => (this._confirming = null)}>${t('issue.cancel')}</button>
            </span>`
          : html`<button class="fab-button fab-secondary" type="button" @click=${() => (this._confirming = hook.id)}>${t('webhooks.delete')}</button>`}
      </div>
      <details>
        <summary>${t('webhooks.edit')}</summary>
        ${this._renderForm(hook, id)}
      </details>
      ${this._shown === hook.id ? this._renderDeliveries(hook) : nothing}
    </article>`;
  }

  private _renderForm(hook: Hook | null, id: string) {
    const mode = this._modes[id] ?? modeOf(hook);
    const field = (name: string) => `${id}-${name}`;
    return html`<form class="fab-form" @submit=${(event: SubmitEvent) => this._save(event, hook, id)}>
      <div>
        <label for=${field('url')}>${t('webhooks.url')}</label>
        <input id=${field('url')} name="url" type="url" required autocomplete="off" .value=${hook?.config.url ?? ''} />
      </div>
      <div>
        <label for=${field('type')}>${t('webhooks.type')}</label>
        <select id=${field('type')} name="type" ?disabled=${hook !== null}>
          ${WEBHOOK_TYPES.map((type) => html`<option value=${type} ?selected=${(hook?.type ?? 'gitea') === type}>${type}</option>`)}
        </select>
      </div>
      <div>
        <label for=${field('secret')}>${t('webhooks.secret')}</label>
        <span class="fab-hint" id=${field('secret-hint')}>${t(hook ? 'webhooks.secretKeptHint' : 'webhooks.secretHint')}</span>
        <input id=${field('secret')} name="secret" type="password" autocomplete="new-password" aria-describedby=${field('secret-hint')} />
      </div>
      <div>
        <label for=${field('content')}>${t('webhooks.contentType')}</label>
        <select id=${field('content')} name="content_type">
          <option value="json" ?selected=${(hook?.config.content_type ?? 'json') === 'json'}>application/json</option>
          <option value="form" ?selected=${hook?.config.content_type === 'form'}>application/x-www-form-urlencoded</option>
        </select>
      </div>
      <fieldset>
        <legend>${t('webhooks.events')}</legend>
        ${(['push_only', 'everything', 'chosen'] as const).map(
          (value) => html`<div class="fab-choice">
            <input type="radio" id=${field(`mode-${value}`)} name="mode" value=${value} ?checked=${mode === value} @change=${() => (this._modes = { ...this._modes, [id]: value })} />
            <label for=${field(`mode-${value}`)}>${t(`webhooks.mode.${value}`)}</label>
          </div>`,
        )}
        ${mode === 'chosen'
          ? html`<div class="fab-events">
              ${WEBHOOK_EVENTS.map(
                (event) => html`<div class="fab-choice">
                  <input type="checkbox" id=${field(`event-${event}`)} name="events" value=${event} ?checked=${hook?.events.includes(event) ?? false} />
                  <label for=${field(`event-${event}`)}>${t(`webhooks.event.${event}`)}</label>
                </div>`,
              )}
            </div>`
          : nothing}
      </fieldset>
      <div>
        <label for=${field('branch')}>${t('webhooks.branchFilter')}</label>
        <span class="fab-hint" id=${field('branch-hint')}>${t('webhooks.branchFilterHint')}</span>
        <input id=${field('branch')} name="branch_filter" type="text" autocomplete="off" .value=${hook?.branch_filter ?? ''} aria-describedby=${field('branch-hint')} />
      </div>
      <div class="fab-choice">
        <input type="checkbox" id=${field('active')} name="active" ?checked=${hook?.active ?? true} />
        <label for=${field('active')}>${t('webhooks.activeLabel')}</label>
      </div>
      <button class="fab-button" type="submit">${t(hook ? 'webhooks.save' : 'webhooks.create')}</button>
    </form>`;
  }

  private _renderDeliveries(hook: Hook) {
    return html`<section aria-labelledby=${`hook-${hook.id}-deliveries`}>
      <h4 id=${`hook-${hook.id}-deliveries`}>${t('webhooks.recentDeliveries')}</h4>
      <button class="fab-button fab-secondary" type="button" @click=${() => this._deliveries.run()}>${t('webhooks.refresh')}</button>
      ${this._deliveries.render({
        pending: () => html`<p role="status">${t('org.loading')}</p>`,
        error: (err) => html`<div class="fab-alert">${apiErrorText(asApiError(err), {})}</div>`,
        complete: (deliveries) =>
          deliveries.length === 0
            ? html`<p>${t('webhooks.noDeliveries')}</p>`
            : html`<div class="fab-table-scroll" tabindex="0" role="region" aria-label=${t('webhooks.recentDeliveries')}><table>
                <caption class="visually-hidden">${t('webhooks.recentDeliveries')}</caption>
                <thead>
                  <tr>
                    <th scope="col">${t('webhooks.col.event')}</th>
                    <th scope="col">${t('webhooks.col.status')}</th>
                    <th scope="col">${t('webhooks.col.response')}</th>
                  </tr>
                </thead>
                <tbody>
                  ${deliveries.map((delivery) => this._renderDelivery(hook, delivery))}
                </tbody>
              </table></div>`,
      })}
    </section>`;
  }

  private _renderDelivery(hook: Hook, delivery: HookDelivery) {
    return html`<tr>
      <th scope="row">
        ${delivery.event_type}${delivery.is_test ? html` (${t('webhooks.testLabel')})` : nothing}
        <details>
          <summary>${t('webhooks.details')}</summary>
          <p><code>${delivery.uuid}</code></p>
          <h5>${t('webhooks.request')}</h5>
          <pre tabindex="0">${headerLines(delivery.request.headers)}</pre>
          <pre tabindex="0">${delivery.request.body}</pre>
          <h5>${t('webhooks.response')}</h5>
          ${delivery.error ? html`<p>${delivery.error}</p>` : nothing}
          <pre tabindex="0">${headerLines(delivery.response.headers)}</pre>
          <pre tabindex="0">${delivery.response.body}</pre>
        </details>
      </th>
      <td>
        ${t(STATUS_KEYS[delivery.status])} (${t('webhooks.attempts', { count: delivery.attempts })})
        ${delivery.delivered_at ? html`<br /><fab-relative-time .datetime=${delivery.delivered_at}></fab-relative-time>` : nothing}
        <br />
        <button class="fab-button fab-secondary" type="button" aria-label=${t('webhooks.redeliverNamed', { id: delivery.uuid })} @click=${() => this._redeliver(hook, delivery)}>
          ${t('webhooks.redeliver')}
        </button>
      </td>
      <td>${delivery.response.status ?? '—'}</td>
    </tr>`;
  }

  /** Runs a change, then says so or shows the server's reason. */
  private async _run(change: () => Promise<unknown>, done: string): Promise<boolean> {
    this._error = null;
    this._saved = null;
    try {
      await change();
      this._saved = done;
      return true;
    } catch (err) {
      this._error = asApiError(err);
      return false;
    }
  }

  private async _save(event: SubmitEvent, hook: Hook | null, id: string): Promise<void> {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const mode = (data.get('mode') ?? 'push_only') as EventsMode;
    const events = mode === 'push_only' ? ['push'] : mode === 'everything' ? ['*'] : data.getAll('events').map(String);
    const secret = String(data.get('secret') ?? '');
    const config = {
      url: String(data.get('url') ?? '').trim(),
      content_type: (data.get('content_type') === 'form' ? 'form' : 'json') as 'json' | 'form',
      // Editing: an empty secret field keeps the secret.
      ...(secret !== '' || !hook ? { secret } : {}),
    };
    const common = { config, events, branch_filter: String(data.get('branch_filter') ?? '').trim(), active: data.get('active') !== null };
    const type = (String(data.get('type') ?? 'gitea') as (typeof WEBHOOK_TYPES)[number]) ?? 'gitea';
    const saved = await this._run(
      () => (hook ? editHook(this.owner, this.repo, hook.id, common) : createHook(this.owner, this.repo, { type, ...common })),
      t(hook ? 'webhooks.saved' : 'webhooks.created', { url: config.url }),
    );
    if (!saved) return;
    if (!hook) {
      form.reset();
      const { [id]: _dropped, ...modes } = this._modes;
      this._modes = modes;
    }
    void this._hooks.run();
  }

  private async _delete(hook: Hook): Promise<void> {
    if (await this._run(() => deleteHook(this.owner, this.repo, hook.id), t('webhooks.deleted', { url: hook.config.url }))) {
      this._confirming = null;
      if (this._shown === hook.id) this._shown = null;
      void this._hooks.run();
    }
  }

  private async _test(hook: Hook): Promise<void> {
    if (await this._run(() => testHook(this.owner, this.repo, hook.id), t('webhooks.tested'))) {
      this._shown = hook.id;
      await this._refreshDeliveries();
    }
  }

  private async _redeliver(hook: Hook, delivery: HookDelivery): Promise<void> {
    if (await this._run(() => redeliver(this.owner, this.repo, hook.id, delivery.uuid), t('webhooks.redelivered'))) await this._refreshDeliveries();
  }

  /** Reads the deliveries again once the worker had a moment to send what was just queued. */
  private async _refreshDeliveries(): Promise<void> {
    await this._deliveries.run();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await this._deliveries.run();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-webhooks-page': FabWebhooksPage;
  }
}

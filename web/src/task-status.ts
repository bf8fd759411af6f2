import { html, type TemplateResult } from 'lit';
import type { Task } from '@lit/task';
import { ApiError } from './api/client.js';
import { t } from './i18n/index.js';

/** What a page shows while its data loads, or when loading failed; `complete` renders the data. */
export function renderTask<T extends readonly unknown[], R>(task: Task<T, R>, complete: (value: R) => TemplateResult | string): TemplateResult | string {
  return task.render({
    initial: () => html`<p class="fab-status" role="status">${t('browse.loading')}</p>`,
    pending: () => html`<p class="fab-status" role="status">${t('browse.loading')}</p>`,
    complete,
    error: (error) =>
      html`<p class="fab-status fab-status-error" role="alert">
        ${error instanceof ApiError && error.status === 404
          ? t('browse.notFound')
          : t('browse.error', { message: error instanceof Error ? error.message : String(error) })}
      </p>`,
  }) as TemplateResult | string;
}

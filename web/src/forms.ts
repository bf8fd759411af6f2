import { css, html, nothing, type TemplateResult } from 'lit';
import { ApiError, NETWORK_ERROR } from './api/client.js';
import { t, type MessageKey } from './i18n/index.js';

/**
 * Forms, alerts and buttons of the light-DOM pages (sign-in, sign-up, token settings). Adopted once
 * into the document by LightDomElement, so the selectors are classes every such page may use.
 */
export const formStyles = css`
  .fab-form {
    display: grid;
    gap: 1.25rem;
    max-width: 36rem;
    margin-top: 1.5rem;
  }
  .fab-form label,
  .fab-form legend {
    display: block;
    font-weight: 600;
  }
  .fab-form fieldset {
    margin: 0;
    padding: 0.75rem 1rem;
    border: 2px solid var(--fab-border);
    border-radius: var(--fab-radius);
  }
  .fab-form fieldset label {
    font-weight: 400;
  }
  .fab-hint {
    display: block;
    margin: 0.125rem 0 0.375rem;
    color: var(--fab-muted);
    font-size: 0.9375rem;
  }
  .fab-form input:not([type='checkbox']),
  .fab-form select,
  .fab-form textarea {
    width: 100%;
    margin-top: 0.25rem;
    padding: 0.5rem 0.625rem;
    font: inherit;
    color: var(--fab-text);
    background: var(--fab-bg);
    border: 2px solid var(--fab-border);
    border-radius: var(--fab-radius);
  }
  .fab-form input[aria-invalid='true'],
  .fab-form fieldset[aria-invalid='true'] {
    border-color: var(--fab-danger);
  }
  .fab-button {
    justify-self: start;
    display: inline-block;
    padding: 0.5rem 1.125rem;
    font: inherit;
    font-weight: 600;
    color: var(--fab-on-accent);
    text-decoration: none;
    background: var(--fab-accent);
    border: 2px solid var(--fab-accent);
    border-radius: var(--fab-radius);
    cursor: pointer;
  }
  .fab-button:hover {
    color: var(--fab-on-accent);
    background: var(--fab-accent-dark);
  }
  /* A disabled button must look it (a blocked merge once looked clickable): greyed, no hover. */
  .fab-button[disabled],
  .fab-button[disabled]:hover {
    color: var(--fab-muted);
    background: var(--fab-surface);
    border-color: var(--fab-border);
    cursor: not-allowed;
  }
  .fab-button.fab-secondary {
    color: var(--fab-accent);
    background: var(--fab-bg);
  }
  .fab-button.fab-danger {
    color: var(--fab-on-accent);
    background: var(--fab-danger);
    border-color: var(--fab-danger);
  }
  .fab-alert:not(:empty),
  .fab-success,
  .fab-warning {
    padding: 0.75rem 1rem;
    border-left: 4px solid;
    border-radius: var(--fab-radius);
  }
  .fab-alert:not(:empty),
  .fab-warning {
    color: var(--fab-danger);
    background: var(--fab-danger-bg);
  }
  .fab-success {
    color: var(--fab-success);
    background: var(--fab-success-bg);
  }
  .fab-alert p,
  .fab-success p,
  .fab-warning p {
    margin: 0.25rem 0;
  }
`;


/** One labelled input of a form, with its hint; `errorId` names the alert that explains an invalid value. */
export function textField(options: {
  id: string;
  name: string;
  label: MessageKey;
  type: 'text' | 'email' | 'password';
  autocomplete: string;
  hint?: MessageKey;
  minlength?: number;
  required?: boolean;
  invalid: boolean;
  errorId: string;
}): TemplateResult {
  const hintId = `${options.id}-hint`;
  const describedBy = [options.hint ? hintId : '', options.invalid ? options.errorId : ''].filter(Boolean).join(' ');
  return html`<div>
    <label for=${options.id}>${t(options.label)}</label>
    ${options.hint ? html`<span class="fab-hint" id=${hintId}>${t(options.hint)}</span>` : nothing}
    <input
      id=${options.id}
      name=${options.name}
      type=${options.type}
      autocomplete=${options.autocomplete}
      ?required=${options.required ?? true}
      minlength=${options.minlength ?? nothing}
      aria-invalid=${options.invalid ? 'true' : 'false'}
      aria-describedby=${describedBy || nothing}
    />
  </div>`;
}

/** Any failure of an API call as an ApiError, so that forms handle one type. */
export function asApiError(err: unknown): ApiError {
  return err instanceof ApiError ? err : new ApiError(NETWORK_ERROR, err instanceof Error ? err.message : String(err));
}

/**
 * What a form's alert says for a failed call: the page's own sentence for the statuses it knows
 * (`summaries`), otherwise a generic one followed by the server's detail.
 */
export function apiErrorText(error: ApiError, summaries: Partial<Record<number, MessageKey>>): TemplateResult {
  const known = summaries[error.status];
  if (known) return html`<p>${t(known)}</p>`;
  if (error.status === NETWORK_ERROR) return html`<p>${t('form.error.network')}</p>`;
  const summary = error.status === 422 || error.status === 400 ? 'form.error.invalid' : 'form.error.other';
  // The server's detail is English whatever the interface language: say so to screen readers.
  return html`<p>${t(summary)}${error.message ? html` <span lang="en">${error.message}</span>` : nothing}</p>`;
}

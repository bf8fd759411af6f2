import { css, html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { ApiError, NETWORK_ERROR } from './api/client.js';
import { t, type MessageKey } from './i18n/index.js';

/**
 * The layout of forms of the light-DOM pages (sign-in, sign-up, token settings, ...); buttons and
 * alerts are the shared components of styles.css. Adopted once into the document by
 * LightDomElement, so the selectors are classes every such page may use.
 */
export const formStyles = css`
  .fab-form {
    display: grid;
    gap: var(--fab-space-5);
    max-width: 36rem;
    margin-top: var(--fab-space-5);
  }
  .fab-form label,
  .fab-form legend {
    display: block;
    font-weight: 600;
  }
  .fab-form fieldset {
    min-width: 0;
    margin: 0;
    padding: var(--fab-space-3) var(--fab-space-4);
    border: 1px solid var(--fab-border-subtle);
    border-radius: var(--fab-radius);
  }
  .fab-form fieldset label {
    font-weight: 400;
  }
  /* A checkbox or radio sits beside its label, whatever the page's markup (the .fab-check pattern). */
  .fab-form div:has(> input:is([type='checkbox'], [type='radio'])),
  .fab-form .fab-check {
    display: flex;
    flex-wrap: wrap;
    align-items: flex-start;
    gap: 0 var(--fab-space-2);
  }
  .fab-form div:has(> input:is([type='checkbox'], [type='radio'])) > label {
    flex: 1 1 0;
    min-width: 0;
  }
  .fab-form div:has(> input:is([type='checkbox'], [type='radio'])) > .fab-hint {
    flex-basis: 100%;
    padding-inline-start: 1.625rem;
  }
  .fab-form input:is([type='checkbox'], [type='radio']) {
    flex: none;
    width: 1.125rem;
    height: 1.125rem;
    margin: 0.1875rem 0 0;
    accent-color: var(--fab-accent);
  }
  .fab-form label > input:is([type='checkbox'], [type='radio']) {
    margin-inline-end: var(--fab-space-2);
    vertical-align: -0.1875rem;
  }
  .fab-hint {
    display: block;
    margin: var(--fab-space-1) 0 var(--fab-space-2);
    color: var(--fab-muted);
    font-size: var(--fab-text-sm);
    font-weight: 400;
  }
  .fab-form input:not([type='checkbox'], [type='radio']),
  .fab-form select,
  .fab-form textarea {
    width: 100%;
    margin-top: var(--fab-space-1);
    padding: 0.4375rem 0.625rem;
    font: inherit;
    color: var(--fab-text);
    background: var(--fab-bg);
    border: 1px solid var(--fab-border);
    border-radius: var(--fab-radius);
  }
  .fab-form input:not([type='checkbox'], [type='radio']):focus-visible,
  .fab-form select:focus-visible,
  .fab-form textarea:focus-visible {
    outline: 2px solid var(--fab-focus);
    outline-offset: 0;
    border-color: var(--fab-focus);
  }
  .fab-form input[aria-invalid='true'],
  .fab-form fieldset[aria-invalid='true'] {
    border-color: var(--fab-danger);
  }
  .fab-form > .fab-button,
  .fab-form > button {
    justify-self: start;
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

/**
 * A form's submission, shared by the pages that send one call per form: `busy` while the call
 * runs (the buttons are disabled), then the call's `error`, if any, for the form's alert. The host
 * re-renders at each change: `private _form = new FormSubmission(this)`.
 */
export class FormSubmission implements ReactiveController {
  busy = false;
  error: ApiError | null = null;

  constructor(private readonly _host: ReactiveControllerHost) {
    _host.addController(this);
  }

  hostConnected(): void {
    // Nothing to start: the state lives only while a call runs.
  }

  /** Runs `call` and tells whether it succeeded; a failure is kept in `error`. */
  async run(call: () => Promise<unknown>): Promise<boolean> {
    this.error = null;
    this.busy = true;
    this._host.requestUpdate();
    try {
      await call();
      return true;
    } catch (err) {
      this.error = asApiError(err);
      return false;
    } finally {
      this.busy = false;
      this._host.requestUpdate();
    }
  }
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

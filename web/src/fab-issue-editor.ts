import { css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { LightDomElement } from './light-dom-element.js';
import { LocaleController, t } from './i18n/index.js';
import './i18n/areas/issues.js';
import './i18n/areas/pulls.js';
import { previewMarkdown } from './api/issues.js';
import { apiErrorText, asApiError } from './forms.js';
import type { ApiError } from './api/client.js';
import './fab-markdown.js';

/**
 * A Markdown text field with a "Preview" toggle: the preview is the server's own rendering
 * (sanitised), so it shows exactly what the issue will show. The textarea stays in the light DOM
 * with its `name`, so the surrounding form reads it as its own field.
 */
@customElement('fab-issue-editor')
export class FabIssueEditor extends LightDomElement {
  static override styles = css`
    fab-issue-editor {
      display: block;
    }
    fab-issue-editor .fab-editor-bar {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem 1rem;
      align-items: center;
      justify-content: space-between;
    }
    fab-issue-editor textarea {
      display: block;
      width: 100%;
      min-height: 8rem;
      margin-top: 0.25rem;
      padding: 0.5rem;
      font: inherit;
      color: var(--fab-text);
      background: var(--fab-bg);
      border: 2px solid var(--fab-border);
      border-radius: var(--fab-radius);
    }
    fab-issue-editor textarea[hidden] {
      display: none;
    }
    fab-issue-editor .fab-preview {
      min-height: 4rem;
      margin-top: 0.25rem;
      padding: 0.5rem 0.75rem;
      border: 1px dashed var(--fab-border);
      border-radius: var(--fab-radius);
    }
    fab-issue-editor .fab-toggle {
      padding: 0.25rem 0.75rem;
      font: inherit;
      color: var(--fab-accent);
      background: var(--fab-bg);
      border: 1px solid var(--fab-accent);
      border-radius: var(--fab-radius);
      cursor: pointer;
    }
    fab-issue-editor .fab-toggle[aria-pressed='true'] {
      color: var(--fab-on-accent);
      background: var(--fab-accent);
    }
  `;

  @property() owner = '';
  @property() repo = '';
  /** The textarea's id, name and label. */
  @property() fieldId = 'fab-issue-body';
  @property() name = 'body';
  @property() label = '';
  @property({ attribute: false }) value = '';
  @property({ type: Boolean }) required = false;

  @state() private _preview: string | null = null;
  @state() private _error: ApiError | null = null;

  private _locale = new LocaleController(this);

  /** The text as it is now in the field. */
  get text(): string {
    return this.querySelector('textarea')?.value ?? this.value;
  }

  /** Empties the field and leaves the preview, after the form was sent. */
  clear(): void {
    const area = this.querySelector('textarea');
    if (area) area.value = '';
    this.value = '';
    this._preview = null;
  }

  override render() {
    const hintId = `${this.fieldId}-hint`;
    const previewing = this._preview !== null;
    return html`
      <div class="fab-editor-bar">
        <label for=${this.fieldId}>${this.label}</label>
        <button type="button" class="fab-toggle" aria-pressed=${previewing ? 'true' : 'false'} @click=${this._togglePreview}>${t('issueEditor.preview')}</button>
      </div>
      <span class="fab-hint" id=${hintId}>${t('review.markdownHint')}</span>
      <textarea id=${this.fieldId} name=${this.name} .value=${this.value} ?required=${this.required} ?hidden=${previewing} aria-describedby=${hintId}></textarea>
      ${previewing
        ? html`<div class="fab-preview" aria-live="polite" aria-label=${t('issueEditor.previewLabel')} role="region">
            ${this._preview ? html`<fab-markdown .html=${this._preview} .level=${2}></fab-markdown>` : html`<p>${t('issueEditor.empty')}</p>`}
          </div>`
        : nothing}
      <div role="alert" class="fab-alert">${this._error ? apiErrorText(this._error, {}) : nothing}</div>
    `;
  }

  private _togglePreview = async () => {
    this._error = null;
    if (this._preview !== null) {
      this._preview = null;
      return;
    }
    const text = this.text;
    this.value = text;
    if (!text.trim()) {
      this._preview = '';
      return;
    }
    try {
      this._preview = await previewMarkdown(this.owner, this.repo, text);
    } catch (err) {
      this._error = asApiError(err);
    }
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-issue-editor': FabIssueEditor;
  }
}

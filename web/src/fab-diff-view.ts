import { css, html, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { LightDomElement } from './light-dom-element.js';
import { LocaleController, t } from './i18n/index.js';
import type { Diff, DiffLine, FileDiff } from './api/browse.js';
import { tCount } from './browse-links.js';
import { renderTask } from './task-status.js';
import { Task } from '@lit/task';

const SIGNS: Record<DiffLine['type'], string> = { add: '+', del: '−', ctx: ' ' };

/**
 * What a page adds to the diff (a pull request's files): controls above each file, the content of
 * the line-number cells, rows under a line (comment threads, a comment form), selected lines.
 */
export interface DiffDecorations {
  /** Shown above the file, outside its collapsible part, so that it stays reachable when the file is closed. */
  fileControls(file: FileDiff): TemplateResult | string;
  /** Whether the file is shown open. */
  fileOpen(file: FileDiff): boolean;
  /** The cell of a line's number on one side (only called where the line has that number). */
  lineNumber(file: FileDiff, line: DiffLine, side: 'LEFT' | 'RIGHT'): TemplateResult | string;
  /** What goes under a line, across the table; null for nothing. */
  rowsAfter(file: FileDiff, line: DiffLine): TemplateResult | null;
  selected(file: FileDiff, line: DiffLine): boolean;
}

/**
 * The files a commit or a comparison changed: one collapsible section per file, added and removed
 * lines marked by colour and by a sign, renames and binary changes named, and a button that loads
 * the rest when the server sent only the first files.
 */
@customElement('fab-diff-view')
export class FabDiffView extends LightDomElement {
  static override styles = css`
    fab-diff-view {
      display: block;
    }
    fab-diff-view details {
      margin-bottom: 1rem;
      border: 1px solid var(--fab-border);
      border-radius: var(--fab-radius);
    }
    fab-diff-view summary {
      display: flex;
      flex-wrap: wrap;
      gap: 0.25rem 0.75rem;
      padding: 0.5rem 0.75rem;
      background: var(--fab-surface);
      cursor: pointer;
    }
    fab-diff-view summary::before {
      content: '▾';
      color: var(--fab-muted);
    }
    fab-diff-view details:not([open]) > summary::before {
      content: '▸';
    }
    fab-diff-view summary .fab-file {
      font: 600 0.9375rem var(--fab-mono);
    }
    fab-diff-view .fab-plus {
      color: var(--fab-success);
    }
    fab-diff-view .fab-minus {
      color: var(--fab-danger);
    }
    fab-diff-view .fab-table-wrap {
      overflow-x: auto;
    }
    fab-diff-view table {
      width: 100%;
      border-collapse: collapse;
      font: 0.8125rem/1.5 var(--fab-mono);
    }
    fab-diff-view td {
      padding: 0 0.5rem;
      white-space: pre;
      vertical-align: top;
    }
    fab-diff-view td.fab-num {
      width: 1%;
      color: var(--fab-muted);
      text-align: right;
      user-select: none;
    }
    fab-diff-view td.fab-sign {
      width: 1%;
      user-select: none;
    }
    fab-diff-view tr.fab-add {
      background: var(--fab-success-bg);
    }
    fab-diff-view tr.fab-del {
      background: var(--fab-danger-bg);
    }
    fab-diff-view tr.fab-hunk td {
      color: var(--fab-muted);
      background: #eef3f9;
    }
    fab-diff-view .fab-note {
      margin: 0;
      padding: 0.5rem 0.75rem;
    }
    fab-diff-view tr.fab-after > td {
      padding: 0.5rem 0.75rem;
      white-space: normal;
      font: 1rem/1.5 var(--fab-font);
      background: var(--fab-bg);
    }
    fab-diff-view tr.fab-selected td {
      box-shadow: inset 0 0 0 9999px rgb(255 213 79 / 0.35);
    }
    fab-diff-view button {
      font: inherit;
      padding: 0.375rem 1rem;
      color: var(--fab-on-accent);
      background: var(--fab-accent);
      border: 0;
      border-radius: var(--fab-radius);
      cursor: pointer;
    }
  `;

  /** The first slice of the diff, as the page loaded it. */
  @property({ attribute: false }) diff: Diff | null = null;
  /** Loads the files from an offset on; given by the page, which knows the endpoint. */
  @property({ attribute: false }) loadFrom: ((offset: number, signal: AbortSignal) => Promise<Diff>) | null = null;
  /** Given by a page that adds to the diff; each new object re-renders it. */
  @property({ attribute: false }) decorations: DiffDecorations | null = null;

  @state() private _files: FileDiff[] = [];
  @state() private _next: number | null = null;
  @state() private _total = 0;

  private _locale = new LocaleController(this);

  private _more = new Task(this, {
    task: async ([offset]: [number], { signal }) => {
      if (!this.loadFrom) return;
      const slice = await this.loadFrom(offset, signal);
      this._files = [...this._files, ...slice.files];
      this._next = slice.truncated ? slice.next_offset : null;
    },
    autoRun: false,
  });

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('diff') && this.diff) {
      this._files = this.diff.files;
      this._next = this.diff.truncated ? this.diff.next_offset : null;
      this._total = this.diff.total_files;
    }
  }

  override render() {
    if (!this.diff) return html``;
    const additions = this._files.reduce((n, f) => n + f.additions, 0);
    const deletions = this._files.reduce((n, f) => n + f.deletions, 0);
    return html`
      <p>${t('diff.summary', {
          files: tCount('diff.files', this._total),
          additions: tCount('diff.additions', additions),
          deletions: tCount('diff.deletions', deletions),
        })}</p>
      ${this._total === 0 ? html`<p>${t('diff.none')}</p>` : ''} ${this._files.map((file) => this._renderFile(file))}
      ${this._next !== null
        ? html`<p>
            <button type="button" ?disabled=${this._more.status === 1} @click=${() => this._more.run([this._next ?? 0])}>
              ${tCount('diff.loadRest', this._total - this._files.length)}
            </button>
          </p>`
        : ''}
      ${this._more.status === 1 || this._more.status === 3 ? renderTask(this._more, () => '') : ''}
    `;
  }

  private _renderFile(file: FileDiff) {
    const status =
      file.status === 'renamed' && file.old_filename ? t('diff.renamed', { old: file.old_filename }) : t(`diff.${file.status}`);
    const decorations = this.decorations;
    return html`
      ${decorations ? decorations.fileControls(file) : ''}
      <details ?open=${decorations ? decorations.fileOpen(file) : true}>
        <summary>
          <span class="fab-file">${file.filename}</span>
          <span>${status}</span>
          <span aria-label=${t('diff.counts', { additions: file.additions, deletions: file.deletions })}
            ><span class="fab-plus" aria-hidden="true">+${file.additions}</span> <span class="fab-minus" aria-hidden="true">−${file.deletions}</span></span
          >
        </summary>
        ${this._renderBody(file)}
      </details>
    `;
  }

  private _renderBody(file: FileDiff) {
    if (file.binary) return html`<p class="fab-note">${t('diff.binary')}</p>`;
    if (file.too_large) return html`<p class="fab-note">${t('diff.tooLarge')}</p>`;
    if (file.hunks.length === 0) return html`<p class="fab-note">${t('diff.noContent')}</p>`;
    return html`
      <div class="fab-table-wrap" tabindex="0" role="region" aria-label=${file.filename}>
        <table>
          <caption class="visually-hidden">${file.filename}</caption>
          <thead class="visually-hidden">
            <tr>
              <th scope="col">${t('diff.oldLine')}</th>
              <th scope="col">${t('diff.newLine')}</th>
              <th scope="col">${t('diff.change')}</th>
              <th scope="col">${t('diff.lineText')}</th>
            </tr>
          </thead>
          <tbody>
            ${file.hunks.map(
              (hunk) => html`
                <tr class="fab-hunk">
                  <td colspan="4">${hunk.header}</td>
                </tr>
                ${hunk.lines.map(
                  (line) => html`<tr class=${`fab-${line.type}${this.decorations?.selected(file, line) ? ' fab-selected' : ''}`}>
                    <td class="fab-num">${this._lineNumber(file, line, 'LEFT')}</td>
                    <td class="fab-num">${this._lineNumber(file, line, 'RIGHT')}</td>
                    <td class="fab-sign">
                      <span aria-hidden="true">${SIGNS[line.type]}</span>${line.type === 'ctx'
                        ? ''
                        : html`<span class="visually-hidden">${t(line.type === 'add' ? 'diff.lineAdded' : 'diff.lineDeleted')}</span>`}
                    </td>
                    <td>${line.content}</td>
                  </tr>${this._rowsAfter(file, line)}`,
                )}
              `,
            )}
          </tbody>
        </table>
      </div>
    `;
  }

  private _lineNumber(file: FileDiff, line: DiffLine, side: 'LEFT' | 'RIGHT') {
    const number = side === 'LEFT' ? line.old : line.new;
    if (number === null) return '';
    return this.decorations ? this.decorations.lineNumber(file, line, side) : number;
  }

  private _rowsAfter(file: FileDiff, line: DiffLine) {
    const rows = this.decorations?.rowsAfter(file, line);
    return rows ? html`<tr class="fab-after"><td colspan="4">${rows}</td></tr>` : '';
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-diff-view': FabDiffView;
  }
}

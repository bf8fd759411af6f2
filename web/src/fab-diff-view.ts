import { css, html, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { LightDomElement } from './light-dom-element.js';
import { LocaleController, t } from './i18n/index.js';
import './i18n/areas/diff.js';
import type { Diff, DiffLine, FileDiff, Hunk } from './api/browse.js';
import { markRange, pairRuns, wordChanges, type WordChange } from './diff-rows.js';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import { tCount } from './browse-links.js';
import { renderTask } from './task-status.js';
import { Task } from '@lit/task';

const SIGNS: Record<DiffLine['type'], string> = { add: '+', del: '−', ctx: ' ' };

/** Where the reader's choice of view is kept, for every diff of the forge. */
const VIEW_KEY = 'fabrique.diff-view';
type DiffLayout = 'unified' | 'split';

function storedLayout(): DiffLayout {
  try {
    return localStorage.getItem(VIEW_KEY) === 'split' ? 'split' : 'unified';
  } catch {
    // Storage may be refused (private browsing, a policy): the unified view is the default.
    return 'unified';
  }
}

/**
 * The new-side lines between hunk `index - 1` and hunk `index` (after the last hunk when `index` is
 * their count, up to `length` lines once the file is loaded, else null), and how far the old side's
 * numbers are behind the new side's there.
 */
function gapOf(hunks: readonly Hunk[], index: number, length: number | null): { from: number; to: number; shift: number } | null {
  // An empty side's start is the line before it (git's `+n,0`).
  const firstNew = (h: Hunk) => (h.newLines === 0 ? h.newStart + 1 : h.newStart);
  const firstOld = (h: Hunk) => (h.oldLines === 0 ? h.oldStart + 1 : h.oldStart);
  const prev = hunks[index - 1];
  const from = prev ? firstNew(prev) + prev.newLines : 1;
  const next = hunks[index];
  if (next) return { from, to: firstNew(next) - 1, shift: firstNew(next) - firstOld(next) };
  if (length === null || !prev) return null;
  return { from, to: length, shift: firstNew(prev) + prev.newLines - (firstOld(prev) + prev.oldLines) };
}

/** From this many files on, a list of the files sits beside the diff. */
const FILE_LIST_FROM = 4;

const fileAnchor = (file: FileDiff) => `fab-diff-${file.filename.replace(/[^A-Za-z0-9_-]/g, '_')}`;

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
 * The files a commit or a comparison changed: one collapsible section per file, unified or side by
 * side (the reader's choice, remembered), added and removed lines marked by colour and by a sign and
 * the changed words within them, renames and binary changes named, a list of the files beside a
 * large diff, and the next files loaded as the reader scrolls to them.
 */
@customElement('fab-diff-view')
export class FabDiffView extends LightDomElement {
  static override styles = css`
    fab-diff-view {
      display: block;
      min-width: 0;
    }
    fab-diff-view .fab-diff-bar {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem 1rem;
      align-items: center;
      justify-content: space-between;
    }
    fab-diff-view .fab-layout {
      display: inline-flex;
      gap: 0;
    }
    fab-diff-view .fab-layout button {
      color: var(--fab-text);
      background: var(--fab-bg);
      border: 1px solid var(--fab-border);
    }
    fab-diff-view .fab-layout button[aria-pressed='true'] {
      color: var(--fab-on-accent);
      background: var(--fab-accent);
    }
    fab-diff-view .fab-diff-body > * {
      min-width: 0;
    }
    fab-diff-view .fab-diff-body {
      display: grid;
      grid-template-columns: minmax(0, 1fr);
      gap: 1rem;
    }
    @media (min-width: 64rem) {
      fab-diff-view .fab-diff-body.fab-with-files {
        grid-template-columns: 16rem minmax(0, 1fr);
      }
      fab-diff-view .fab-diff-files {
        position: sticky;
        top: 0.5rem;
        align-self: start;
        max-height: calc(100vh - 1rem);
        overflow-y: auto;
      }
    }
    fab-diff-view .fab-diff-files ul {
      margin: 0;
      padding: 0;
      list-style: none;
      font: 0.8125rem/1.5 var(--fab-mono);
    }
    fab-diff-view .fab-diff-files li {
      overflow-wrap: anywhere;
    }
    fab-diff-view .fab-diff-files details {
      border: 0;
    }
    fab-diff-view details.fab-diff-file {
      min-width: 0;
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
    fab-diff-view summary .fab-file {
      overflow-wrap: anywhere;
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
    /* Positioned, so that the visually hidden texts inside scroll with it rather than widen the page. */
    fab-diff-view .fab-table-wrap {
      position: relative;
      overflow-x: auto;
    }
    fab-diff-view table {
      width: 100%;
      border-collapse: collapse;
      font: 0.8125rem/1.5 var(--fab-mono);
    }
    fab-diff-view td {
      padding: 0 0.5rem;
      white-space: nowrap;
      vertical-align: top;
    }
    /* Only the code keeps its spaces: whitespace of the template elsewhere would add lines to a row. */
    fab-diff-view td.fab-code {
      white-space: pre;
    }
    fab-diff-view td.fab-empty {
      background: var(--fab-surface);
    }
    fab-diff-view mark {
      color: inherit;
      border-radius: 2px;
    }
    fab-diff-view .fab-add mark,
    fab-diff-view td.fab-add mark {
      background: rgb(26 127 55 / 0.3);
    }
    fab-diff-view .fab-del mark,
    fab-diff-view td.fab-del mark {
      background: rgb(207 34 46 / 0.28);
    }
    fab-diff-view td.fab-add {
      background: var(--fab-success-bg);
    }
    fab-diff-view td.fab-del {
      background: var(--fab-danger-bg);
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
    fab-diff-view tr.fab-expand td {
      background: #eef3f9;
    }
    fab-diff-view button.fab-expand-button {
      padding: 0 0.5rem;
      color: var(--fab-accent);
      background: none;
      text-decoration: underline;
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
  /** Loads a file's new version as highlighted lines, for the context between hunks; none: no expansion. */
  @property({ attribute: false }) expandFrom: ((file: FileDiff) => Promise<readonly string[]>) | null = null;

  /** The new versions loaded for expansion, by file name. */
  @state() private _fileLines = new Map<string, readonly string[]>();
  /** The gaps shown: `file name` + `:` + the index of the hunk below (the hunk count for the end of the file). */
  @state() private _openGaps = new Set<string>();
  @state() private _expandError: string | null = null;

  @state() private _files: FileDiff[] = [];
  @state() private _next: number | null = null;
  @state() private _total = 0;
  @state() private _layout: DiffLayout = storedLayout();

  /** Watches the end of the loaded files: the next ones load as the reader scrolls to them. */
  private _observer: IntersectionObserver | null = null;
  private _sentinel: Element | null = null;

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

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this._observer?.disconnect();
    this._observer = null;
    this._sentinel = null;
  }

  protected override updated(): void {
    const sentinel = this.querySelector('.fab-diff-more');
    if (sentinel === this._sentinel) return;
    this._observer?.disconnect();
    this._sentinel = sentinel;
    if (!sentinel) return;
    this._observer ??= new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting) && this._next !== null && this._more.status !== 1) void this._more.run([this._next]);
      },
      { rootMargin: '800px 0px' },
    );
    this._observer.observe(sentinel);
  }

  override render() {
    if (!this.diff) return html``;
    const additions = this._files.reduce((n, f) => n + f.additions, 0);
    const deletions = this._files.reduce((n, f) => n + f.deletions, 0);
    const withFiles = this._total >= FILE_LIST_FROM;
    return html`
      <div class="fab-diff-bar">
        <p>${t('diff.summary', {
          files: tCount('diff.files', this._total),
          additions: tCount('diff.additions', additions),
          deletions: tCount('diff.deletions', deletions),
        })}</p>
        ${this._total > 0
          ? html`<div class="fab-layout" role="group" aria-label=${t('diff.layout')}>
              ${(['unified', 'split'] as const).map(
                (layout) =>
                  html`<button type="button" aria-pressed=${this._layout === layout ? 'true' : 'false'} @click=${() => this._setLayout(layout)}>
                    ${t(layout === 'unified' ? 'diff.unified' : 'diff.split')}
                  </button>`,
              )}
            </div>`
          : ''}
      </div>
      ${this._total === 0 ? html`<p>${t('diff.none')}</p>` : ''}
      <div class="fab-diff-body ${withFiles ? 'fab-with-files' : ''}">
        ${withFiles ? this._renderFileList() : ''}
        <div>
          ${this._files.map((file) => this._renderFile(file))}
          ${this._next !== null
            ? html`<p class="fab-diff-more">
                <button type="button" ?disabled=${this._more.status === 1} @click=${() => this._more.run([this._next ?? 0])}>
                  ${tCount('diff.loadRest', this._total - this._files.length)}
                </button>
              </p>`
            : ''}
          ${this._more.status === 1 || this._more.status === 3 ? renderTask(this._more, () => '') : ''}
          <p role="alert" class="fab-alert">${this._expandError ?? ''}</p>
        </div>
      </div>
    `;
  }

  private _setLayout(layout: DiffLayout) {
    this._layout = layout;
    try {
      localStorage.setItem(VIEW_KEY, layout);
    } catch {
      // Not remembered where storage is refused; the choice still holds on this page.
    }
  }

  private _renderFileList() {
    return html`<nav class="fab-diff-files" aria-label=${t('diff.fileList')}>
      <ul>
        ${this._files.map(
          (file) => html`<li>
            <a href=${`#${fileAnchor(file)}`}>${file.filename}</a>
            <span class="fab-plus" aria-hidden="true">+${file.additions}</span> <span class="fab-minus" aria-hidden="true">−${file.deletions}</span>
          </li>`,
        )}
      </ul>
    </nav>`;
  }

  private _renderFile(file: FileDiff) {
    const status =
      file.status === 'renamed' && file.old_filename ? t('diff.renamed', { old: file.old_filename }) : t(`diff.${file.status}`);
    const decorations = this.decorations;
    return html`
      ${decorations ? decorations.fileControls(file) : ''}
      <details class="fab-diff-file" id=${fileAnchor(file)} ?open=${decorations ? decorations.fileOpen(file) : true}>
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
    // A focusable region: the file's box scrolls sideways, and keyboard users must be able to scroll it too.
    return html`<div class="fab-table-wrap" tabindex="0" role="region" aria-label=${file.filename}>${this._layout === 'split' ? this._renderSplit(file) : this._renderUnified(file)}</div>`;
  }

  private _renderUnified(file: FileDiff) {
    return html`<table class="fab-unified">
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
        ${file.hunks.map((hunk, index) => {
          const words = wordChanges(hunk);
          return html`${this._renderGap(file, index, 'unified')}<tr class="fab-hunk"><td colspan="4">${hunk.header}</td></tr>
            ${hunk.lines.map(
              (line) => html`<tr class=${`fab-${line.type}${this.decorations?.selected(file, line) ? ' fab-selected' : ''}`}>
                  <td class="fab-num">${this._lineNumber(file, line, 'LEFT')}</td>
                  <td class="fab-num">${this._lineNumber(file, line, 'RIGHT')}</td>
                  <td class="fab-sign">${this._sign(line)}</td>
                  <td class="fab-code">${this._code(line, words.get(line))}</td>
                </tr>${this._rowsAfter(file, line, 4)}`,
            )}`;
        })}
        ${this._renderGap(file, file.hunks.length, 'unified')}
      </tbody>
    </table>`;
  }

  private _renderSplit(file: FileDiff) {
    return html`<table class="fab-split">
      <caption class="visually-hidden">${file.filename}</caption>
      <thead class="visually-hidden">
        <tr>
          <th scope="col">${t('diff.oldLine')}</th>
          <th scope="col">${t('diff.oldText')}</th>
          <th scope="col">${t('diff.newLine')}</th>
          <th scope="col">${t('diff.newText')}</th>
        </tr>
      </thead>
      <tbody>
        ${file.hunks.map((hunk: Hunk, index) => {
          const words = wordChanges(hunk);
          return html`${this._renderGap(file, index, 'split')}<tr class="fab-hunk"><td colspan="4">${hunk.header}</td></tr>
            ${pairRuns(hunk).map(({ left, right }) => {
              const selected = [left, right].some((line) => line && this.decorations?.selected(file, line));
              return html`<tr class=${selected ? 'fab-selected' : ''}>
                  ${this._splitSide(file, left, 'LEFT', words)}${this._splitSide(file, right, 'RIGHT', words)}
                </tr>${left && left !== right ? this._rowsAfter(file, left, 4) : ''}${right ? this._rowsAfter(file, right, 4) : ''}`;
            })}`;
        })}
        ${this._renderGap(file, file.hunks.length, 'split')}
      </tbody>
    </table>`;
  }

  /**
   * The unchanged lines above hunk `index` (below the last hunk when `index` is the hunk count): a
   * button saying how many until they are shown, then the lines, read from the file's new version.
   */
  private _renderGap(file: FileDiff, index: number, layout: DiffLayout) {
    if (!this.expandFrom || file.status === 'deleted' || file.hunks.length === 0) return '';
    const key = `${file.filename}:${index}`;
    const loaded = this._fileLines.get(file.filename);
    const gap = gapOf(file.hunks, index, loaded?.length ?? null);
    if (gap && gap.to < gap.from) return '';
    if (!this._openGaps.has(key) || !loaded || !gap) {
      const label = gap ? tCount('diff.expandLines', gap.to - gap.from + 1) : t('diff.expandRest');
      return html`<tr class="fab-expand"><td colspan="4"><button type="button" class="fab-expand-button" @click=${() => this._expand(file, key)}>${label}</button></td></tr>`;
    }
    const rows = [];
    for (let n = gap.from; n <= gap.to; n++) {
      const code = unsafeHTML(loaded[n - 1] ?? '');
      const old = n - gap.shift;
      rows.push(
        layout === 'unified'
          ? html`<tr class="fab-ctx fab-expanded"><td class="fab-num">${old}</td><td class="fab-num">${n}</td><td class="fab-sign"></td><td class="fab-code">${code}</td></tr>`
          : html`<tr class="fab-expanded"><td class="fab-num">${old}</td><td class="fab-code"> ${code}</td><td class="fab-num">${n}</td><td class="fab-code"> ${code}</td></tr>`,
      );
    }
    return rows;
  }

  private async _expand(file: FileDiff, key: string) {
    const expandFrom = this.expandFrom;
    if (!expandFrom) return;
    this._expandError = null;
    try {
      if (!this._fileLines.has(file.filename)) this._fileLines = new Map(this._fileLines).set(file.filename, await expandFrom(file));
      this._openGaps = new Set(this._openGaps).add(key);
    } catch {
      this._expandError = t('diff.expandFailed');
    }
  }

  private _splitSide(file: FileDiff, line: DiffLine | null, side: 'LEFT' | 'RIGHT', words: Map<DiffLine, WordChange>) {
    if (!line) return html`<td class="fab-num fab-empty"></td><td class="fab-code fab-empty"></td>`;
    const kind = line.type === 'ctx' ? '' : `fab-${line.type}`;
    return html`<td class="fab-num ${kind}">${this._lineNumber(file, line, side)}</td><td class="fab-code ${kind}">${this._sign(line)}${this._code(line, words.get(line))}</td>`;
  }

  /** The +/− sign, hidden from screen readers, which hear "added" or "removed" instead. */
  private _sign(line: DiffLine) {
    const said = line.type === 'ctx' ? '' : html`<span class="visually-hidden">${t(line.type === 'add' ? 'diff.lineAdded' : 'diff.lineDeleted')}</span>`;
    return html`<span aria-hidden="true">${SIGNS[line.type]}</span>${said}`;
  }

  private _code(line: DiffLine, change: WordChange | undefined) {
    // Highlighted HTML comes from the server, escaped by highlight.js (as the file view's lines).
    if (line.html !== undefined) {
      if (!change || change.changed === '') return unsafeHTML(line.html);
      return unsafeHTML(markRange(line.html, change.before.length, change.before.length + change.changed.length));
    }
    if (!change || change.changed === '') return line.content;
    return html`${change.before}<mark>${change.changed}</mark>${change.after}`;
  }

  private _lineNumber(file: FileDiff, line: DiffLine, side: 'LEFT' | 'RIGHT') {
    const number = side === 'LEFT' ? line.old : line.new;
    if (number === null) return '';
    return this.decorations ? this.decorations.lineNumber(file, line, side) : number;
  }

  private _rowsAfter(file: FileDiff, line: DiffLine, columns: number) {
    const rows = this.decorations?.rowsAfter(file, line);
    return rows ? html`<tr class="fab-after"><td colspan=${columns}>${rows}</td></tr>` : '';
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-diff-view': FabDiffView;
  }
}

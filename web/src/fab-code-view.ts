import { css, html, unsafeCSS, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import { LightDomElement } from './light-dom-element.js';
import { LocaleController, t } from './i18n/index.js';
import './i18n/areas/browse.js';
import type { BlameCommit, BlameRange } from './api/browse.js';
import { fullDate, relativeAge } from './browse-links.js';

/** The lines `#L10` or `#L10-L20` select, or null. */
export function parseLineHash(hash: string): { from: number; to: number } | null {
  const match = /^#L(\d+)(?:-L(\d+))?$/.exec(hash);
  if (!match) return null;
  const a = Number(match[1]);
  const b = match[2] ? Number(match[2]) : a;
  return { from: Math.min(a, b), to: Math.max(a, b) };
}

const escapeAttribute = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** Who last changed each line, for the blame margin: ranges in file order, the commits they name, their page URLs. */
export interface BlameMargin {
  ranges: readonly BlameRange[];
  commits: readonly BlameCommit[];
  commitUrl(sha: string): string;
}

/** Age shades of the margin, from the oldest commit of the file (0) to the newest (AGE_SHADES - 1). */
const AGE_SHADES = 8;

/** Keys typed into a field are text, not shortcuts. */
const typing = (event: KeyboardEvent) => {
  const target = event.composedPath()[0];
  return target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
};

/**
 * A file's lines, highlighted by the server, with line numbers that are links (`#L10`): a click
 * selects a line, a shift-click a range (`#L10-L20`), and the selection follows the URL's fragment.
 * The numbers form one tab stop; the arrow keys move between them (roving tabindex). With a
 * `permalink`, the `y` key (GitHub's) rewrites the URL to it, keeping the line fragment; with a
 * `blame`, each block of lines shows its commit in a margin, shaded by age.
 */
@customElement('fab-code-view')
export class FabCodeView extends LightDomElement {
  static override styles = css`
    fab-code-view {
      display: block;
      overflow-x: auto;
      border: 1px solid var(--fab-border);
      border-radius: var(--fab-radius);
    }
    fab-code-view pre {
      /* The box scrolls as a whole (line numbers and blame margin with the code), not the pre alone. */
      max-width: none;
      overflow-x: visible;
      margin: 0;
      padding: 0.5rem 0;
      font-size: 0.875rem;
      line-height: 1.5;
    }
    fab-code-view .fab-line {
      display: flex;
    }
    fab-code-view .fab-line.fab-selected {
      background: #fff3c4;
    }
    fab-code-view .fab-ln {
      flex: none;
      min-width: 4rem;
      padding: 0 0.75rem;
      color: var(--fab-muted);
      text-align: right;
      text-decoration: none;
      user-select: none;
    }
    fab-code-view .fab-ln:hover {
      color: var(--fab-text);
      text-decoration: underline;
    }
    fab-code-view code {
      flex: 1;
      padding-right: 1rem;
      white-space: pre;
    }
    fab-code-view .fab-blame {
      flex: none;
      display: flex;
      gap: 0.5rem;
      box-sizing: border-box;
      width: 24rem;
      padding: 0 0.5rem;
      border-left: 4px solid transparent;
      border-right: 1px solid var(--fab-border);
      color: var(--fab-muted);
      font-family: var(--fab-font);
      font-size: 0.8125rem;
      line-height: inherit;
      white-space: nowrap;
      overflow: hidden;
    }
    fab-code-view .fab-blame-start {
      border-top: 1px solid var(--fab-border);
    }
    fab-code-view .fab-line:first-child .fab-blame-start {
      border-top: 0;
    }
    fab-code-view .fab-blame-summary {
      flex: 1;
      min-width: 0;
      overflow: hidden;
      text-overflow: ellipsis;
      color: var(--fab-text);
    }
    fab-code-view .fab-blame a {
      font-family: var(--fab-mono);
    }
    fab-code-view .fab-blame-author {
      max-width: 7rem;
      overflow: hidden;
      text-overflow: ellipsis;
    }
    ${unsafeCSS(
      Array.from({ length: AGE_SHADES }, (_, i) => `fab-code-view .fab-age-${i} { border-left-color: color-mix(in srgb, var(--fab-accent) ${Math.round(15 + (85 * i) / (AGE_SHADES - 1))}%, transparent); }`).join('\n'),
    )}
    @media (max-width: 48rem) {
      fab-code-view .fab-blame {
        width: 9.75rem;
      }
      fab-code-view .fab-blame-summary,
      fab-code-view .fab-blame-author {
        display: none;
      }
    }
  `;

  /** Server-highlighted and escaped HTML, one string per line. */
  @property({ attribute: false }) lines: readonly string[] = [];
  /** The file name, for the code's accessible name. */
  @property() name = '';
  /** This page's URL at the commit it shows (`/src/commit/<sha>/path`): where the `y` key leads. */
  @property() permalink = '';
  /** Who last changed each line: shown in a margin when given. */
  @property({ attribute: false }) blame: BlameMargin | null = null;

  private _locale = new LocaleController(this);
  /** The line a plain click last selected: a shift-click extends from it. */
  private _anchor: number | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('hashchange', this._onHashChange);
    document.addEventListener('keydown', this._onShortcut);
  }

  override disconnectedCallback(): void {
    window.removeEventListener('hashchange', this._onHashChange);
    document.removeEventListener('keydown', this._onShortcut);
    super.disconnectedCallback();
  }

  override render() {
    const label = (line: number) => escapeAttribute(t('src.line', { line }));
    const margin = this._margin();
    // One string rather than one template per line: files have thousands of lines.
    const body = this.lines
      .map((line, index) => {
        const n = index + 1;
        return `<span class="fab-line">${margin[index] ?? ''}<a class="fab-ln" id="L${n}" href="#L${n}" tabindex="${n === 1 ? 0 : -1}" aria-label="${label(n)}">${n}</a><code>${line || '\n'}</code></span>`;
      })
      .join('');
    return html`<div role="region" aria-label=${t('src.code', { name: this.name })}>
      <pre @click=${this._onClick} @keydown=${this._onKeyDown}>${unsafeHTML(body)}</pre>
    </div>`;
  }

  /** The blame margin's cell of each line (escaped HTML): the commit on the first line of each block, the age shade on all. */
  private _margin(): string[] {
    if (!this.blame) return [];
    const { ranges, commits, commitUrl } = this.blame;
    const byId = new Map(commits.map((c) => [c.sha, c]));
    const times = commits.map((c) => new Date(c.date).getTime());
    const oldest = Math.min(...times);
    const span = Math.max(...times) - oldest;
    const cells: string[] = [];
    for (const range of ranges) {
      const commit = byId.get(range.sha);
      if (!commit) continue;
      const age = span > 0 ? Math.round(((new Date(commit.date).getTime() - oldest) / span) * (AGE_SHADES - 1)) : AGE_SHADES - 1;
      const summary = escapeAttribute(commit.summary);
      const sha = commit.sha.slice(0, 7);
      cells[range.start - 1] =
        `<span class="fab-blame fab-blame-start fab-age-${age}">` +
        `<a href="${escapeAttribute(commitUrl(commit.sha))}" title="${summary}" aria-label="${escapeAttribute(t('blame.commitLabel', { sha, summary: commit.summary }))}">${sha}</a>` +
        `<span class="fab-blame-summary" title="${summary}">${summary}</span>` +
        `<span class="fab-blame-author">${escapeAttribute(commit.author_name)}</span>` +
        `<time datetime="${escapeAttribute(commit.date)}" title="${escapeAttribute(fullDate(commit.date))}">${escapeAttribute(relativeAge(commit.date))}</time></span>`;
      for (let i = 1; i < range.count; i++) cells[range.start - 1 + i] = `<span class="fab-blame fab-age-${age}"></span>`;
    }
    return cells;
  }

  /** `y` rewrites the address to the permalink, keeping the selected lines, as GitHub does. */
  private readonly _onShortcut = (event: KeyboardEvent) => {
    if (event.key !== 'y' || !this.permalink || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented || typing(event)) return;
    event.preventDefault();
    history.replaceState(history.state, '', `${this.permalink}${location.search}${location.hash}`);
  };

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('lines')) this._select(parseLineHash(location.hash), true);
  }

  private readonly _onHashChange = () => this._select(parseLineHash(location.hash), true);

  private _numbers(): HTMLAnchorElement[] {
    return [...this.querySelectorAll<HTMLAnchorElement>('a.fab-ln')];
  }

  /** Marks the selected lines, makes the first one the tab stop, and scrolls to it when asked. */
  private _select(range: { from: number; to: number } | null, scroll: boolean) {
    const numbers = this._numbers();
    numbers.forEach((a, index) => {
      const n = index + 1;
      const selected = range !== null && n >= range.from && n <= range.to;
      a.parentElement?.classList.toggle('fab-selected', selected);
      if (selected) a.setAttribute('aria-current', 'true');
      else a.removeAttribute('aria-current');
    });
    const first = range ? numbers[range.from - 1] : undefined;
    if (!first) return;
    this._makeTabStop(first);
    if (scroll) first.scrollIntoView({ block: 'center' });
  }

  private _makeTabStop(target: HTMLAnchorElement) {
    for (const a of this.querySelectorAll<HTMLAnchorElement>('a.fab-ln[tabindex="0"]')) a.tabIndex = -1;
    target.tabIndex = 0;
  }

  private _onClick(event: MouseEvent) {
    const anchor = (event.target as Element).closest('a.fab-ln');
    if (!anchor) return;
    event.preventDefault();
    const line = Number(anchor.id.slice(1));
    let hash = `#L${line}`;
    if (event.shiftKey && this._anchor !== null && this._anchor !== line) {
      const from = Math.min(this._anchor, line);
      const to = Math.max(this._anchor, line);
      hash = `#L${from}-L${to}`;
    } else {
      this._anchor = line;
    }
    history.replaceState(history.state, '', hash);
    this._select(parseLineHash(hash), false);
    (anchor as HTMLAnchorElement).focus();
  }

  private _onKeyDown(event: KeyboardEvent) {
    const current = (event.target as Element).closest('a.fab-ln');
    if (!current) return;
    const numbers = this._numbers();
    const index = numbers.indexOf(current as HTMLAnchorElement);
    const moves: Record<string, number> = { ArrowDown: index + 1, ArrowUp: index - 1, Home: 0, End: numbers.length - 1, PageDown: index + 20, PageUp: index - 20 };
    if (!(event.key in moves)) return;
    event.preventDefault();
    const next = numbers[Math.max(0, Math.min(numbers.length - 1, moves[event.key]))];
    this._makeTabStop(next);
    next.focus();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-code-view': FabCodeView;
  }
}

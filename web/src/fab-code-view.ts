import { css, html, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import { LightDomElement } from './light-dom-element.js';
import { LocaleController, t } from './i18n/index.js';

/** The lines `#L10` or `#L10-L20` select, or null. */
export function parseLineHash(hash: string): { from: number; to: number } | null {
  const match = /^#L(\d+)(?:-L(\d+))?$/.exec(hash);
  if (!match) return null;
  const a = Number(match[1]);
  const b = match[2] ? Number(match[2]) : a;
  return { from: Math.min(a, b), to: Math.max(a, b) };
}

const escapeAttribute = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * A file's lines, highlighted by the server, with line numbers that are links (`#L10`): a click
 * selects a line, a shift-click a range (`#L10-L20`), and the selection follows the URL's fragment.
 * The numbers form one tab stop; the arrow keys move between them (roving tabindex).
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
  `;

  /** Server-highlighted and escaped HTML, one string per line. */
  @property({ attribute: false }) lines: readonly string[] = [];
  /** The file name, for the code's accessible name. */
  @property() name = '';

  private _locale = new LocaleController(this);
  /** The line a plain click last selected: a shift-click extends from it. */
  private _anchor: number | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('hashchange', this._onHashChange);
  }

  override disconnectedCallback(): void {
    window.removeEventListener('hashchange', this._onHashChange);
    super.disconnectedCallback();
  }

  override render() {
    const label = (line: number) => escapeAttribute(t('src.line', { line }));
    // One string rather than one template per line: files have thousands of lines.
    const body = this.lines
      .map((line, index) => {
        const n = index + 1;
        return `<span class="fab-line"><a class="fab-ln" id="L${n}" href="#L${n}" tabindex="${n === 1 ? 0 : -1}" aria-label="${label(n)}">${n}</a><code>${line || '\n'}</code></span>`;
      })
      .join('');
    return html`<div role="region" aria-label=${t('src.code', { name: this.name })}>
      <pre @click=${this._onClick} @keydown=${this._onKeyDown}>${unsafeHTML(body)}</pre>
    </div>`;
  }

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

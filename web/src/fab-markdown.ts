import { css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import { LightDomElement } from './light-dom-element.js';

/**
 * Moves every heading of `source` down by `by` levels (an h1 under a page's h2 becomes an h3), h6 at
 * most, and makes every table a keyboard stop: a wide table scrolls in its own box, which a keyboard
 * user must be able to reach to scroll.
 */
function prepare(source: string, by: number): string {
  const headings = by > 0 && /<h[1-6][\s>]/i.test(source);
  if (!headings && !/<table[\s>]/i.test(source)) return source;
  const template = document.createElement('template');
  template.innerHTML = source;
  for (const table of template.content.querySelectorAll('table')) table.tabIndex = 0;
  if (!headings) return template.innerHTML;
  for (const heading of template.content.querySelectorAll('h1, h2, h3, h4, h5, h6')) {
    const level = Math.min(6, Number(heading.tagName[1]) + by);
    const shifted = document.createElement(`h${level}`);
    for (const attribute of heading.attributes) shifted.setAttribute(attribute.name, attribute.value);
    shifted.append(...heading.childNodes);
    heading.replaceWith(shifted);
  }
  return template.innerHTML;
}

/**
 * A Markdown document the server rendered and sanitised (marked + sanitize-html): only that HTML may be
 * given here. Light DOM, so that its in-page links and headings belong to the page.
 */
@customElement('fab-markdown')
export class FabMarkdown extends LightDomElement {
  static override styles = css`
    fab-markdown {
      display: block;
      overflow-wrap: break-word;
    }
    fab-markdown > :first-child {
      margin-top: 0;
    }
    fab-markdown img {
      max-width: 100%;
    }
    fab-markdown pre {
      padding: 0.75rem;
      overflow-x: auto;
      background: var(--fab-surface);
      border-radius: var(--fab-radius);
    }
    fab-markdown :not(pre) > code {
      padding: 0.1em 0.3em;
      background: var(--fab-surface);
      border-radius: 3px;
    }
    fab-markdown table {
      /* A wide table scrolls in its own box, never the page (a phone is 390 px wide). */
      display: block;
      max-width: 100%;
      overflow-x: auto;
      border-collapse: collapse;
    }
    /* A task list ("- [x] done"): its box (☑ or ☐, as text) in place of the bullet. */
    fab-markdown li:has(> .task:first-child) {
      list-style: none;
    }
    fab-markdown li > .task:first-child {
      display: inline-block;
      width: 1.4em;
      margin-left: -1.4em;
    }
    fab-markdown th,
    fab-markdown td {
      /* Words stay whole in a cell: a narrow screen scrolls the table rather than cutting "en cours" into "en cou rs". */
      overflow-wrap: normal;
      padding: 0.25rem 0.5rem;
      border: 1px solid var(--fab-border);
    }
    fab-markdown blockquote {
      margin-left: 0;
      padding-left: 1rem;
      color: var(--fab-muted);
      border-left: 4px solid var(--fab-border);
    }
  `;

  /** Server-sanitised HTML. */
  @property({ attribute: false }) html = '';
  /** The level of the heading the document sits under: its own headings start one below, so the page keeps one h1. */
  @property({ type: Number }) level = 1;

  override render() {
    return html`${unsafeHTML(prepare(this.html, this.level))}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-markdown': FabMarkdown;
  }
}

import { css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { LightDomElement } from './light-dom-element.js';
import type { Label } from './api/issues.js';

/** WCAG's relative luminance of a `rrggbb` colour. */
function luminance(hex: string): number {
  const channel = (offset: number) => {
    const value = Number.parseInt(hex.slice(offset, offset + 2), 16) / 255;
    return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4);
}

/**
 * The text colour that reads best on a label's background: black or white, whichever contrasts more
 * (one of them always reaches WCAG's 4.5:1), since a label's colour is whatever its writer chose.
 */
export function labelTextColor(color: string): string {
  const hex = /^#?([0-9a-f]{6})$/i.exec(color)?.[1] ?? 'ffffff';
  const l = luminance(hex);
  return (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) ? '#000000' : '#ffffff';
}

/** A label as a chip in its own colour; a scoped label (`kind/bug`) shows its scope apart. */
@customElement('fab-issue-label')
export class FabIssueLabel extends LightDomElement {
  static override styles = css`
    fab-issue-label {
      display: inline-block;
      max-width: 100%;
    }
    fab-issue-label .fab-label {
      display: inline-flex;
      max-width: 100%;
      padding: 0 0.5rem;
      font-size: 0.875rem;
      font-weight: 600;
      line-height: 1.5;
      border: 1px solid rgb(0 0 0 / 0.25);
      border-radius: 1rem;
      overflow-wrap: anywhere;
    }
    fab-issue-label .fab-label-scope {
      padding-right: 0.375rem;
      margin-right: 0.375rem;
      border-right: 1px solid currentColor;
    }
  `;

  @property({ attribute: false }) label: Label | null = null;

  override render() {
    const label = this.label;
    if (!label) return html``;
    const color = /^#?[0-9a-f]{6}$/i.test(label.color) ? `#${label.color.replace('#', '')}` : '#ffffff';
    const slash = label.exclusive ? label.name.lastIndexOf('/') : -1;
    const style = `background:${color};color:${labelTextColor(color)}`;
    return html`<span class="fab-label" style=${style} title=${label.description || label.name}
      >${slash > 0
        ? html`<span class="fab-label-scope">${label.name.slice(0, slash)}</span><span>${label.name.slice(slash + 1)}</span>`
        : label.name}</span
    >`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-issue-label': FabIssueLabel;
  }
}

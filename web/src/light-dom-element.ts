import { LitElement, type CSSResultOrNative } from 'lit';

const adopted = new WeakSet<CSSResultOrNative>();

/**
 * A Lit element that renders into the light DOM, for the layout and the pages: landmarks, headings
 * and form labels then sit in one tree, where assistive technologies and axe read them as written.
 * Its `static styles` are adopted once into the document, so write their selectors under the tag name.
 */
export class LightDomElement extends LitElement {
  protected override createRenderRoot(): HTMLElement {
    const styles = (this.constructor as typeof LitElement).elementStyles;
    const sheets: CSSStyleSheet[] = [];
    for (const style of styles) {
      if (adopted.has(style)) continue;
      adopted.add(style);
      const sheet = style instanceof CSSStyleSheet ? style : style.styleSheet;
      if (sheet) sheets.push(sheet);
    }
    if (sheets.length > 0) document.adoptedStyleSheets = [...document.adoptedStyleSheets, ...sheets];
    return this;
  }
}

import { css, html, nothing } from 'lit';
import { customElement } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { LightDomElement } from './light-dom-element.js';
import { getSite } from './api/account.js';
import './fab-markdown.js';

/**
 * The instance's introduction above the home page's list ("La Métropole de Lyon publie ici…"):
 * Markdown an administrator wrote, rendered and sanitised by the server. Nothing when there is none.
 */
@customElement('fab-site-intro')
export class FabSiteIntro extends LightDomElement {
  static override styles = css`
    fab-site-intro section {
      display: flex;
      gap: 1.25rem;
      align-items: flex-start;
      margin-bottom: 1.5rem;
      padding: 1rem 1.25rem;
      background: var(--fab-surface);
      border-radius: var(--fab-radius);
    }
    fab-site-intro img {
      flex: none;
      width: 4rem;
      height: 4rem;
      object-fit: contain;
    }
    fab-site-intro fab-markdown {
      flex: 1;
      min-width: 0;
    }
  `;

  private _site = new Task(this, {
    task: (_args: readonly [], { signal }) => getSite(signal),
    args: () => [] as const,
  });

  override render() {
    return this._site.render({
      complete: (site) =>
        site.intro_html === ''
          ? nothing
          : html`<section class="fab-site-intro" aria-label=${site.name}>
              ${site.logo_url ? html`<img src=${site.logo_url} alt="" />` : nothing}
              <fab-markdown .html=${site.intro_html}></fab-markdown>
            </section>`,
    });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-site-intro': FabSiteIntro;
  }
}

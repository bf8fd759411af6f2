import { css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { LightDomElement } from './light-dom-element.js';
import { LocaleController, t } from './i18n/index.js';

/** Previous / next page links of a paginated list; the page number lives in the URL (`?page=`). */
@customElement('fab-pager')
export class FabPager extends LightDomElement {
  static override styles = css`
    fab-pager nav {
      display: flex;
      gap: 1rem;
      align-items: center;
      margin-top: 1rem;
    }
  `;

  @property({ type: Number }) page = 1;
  @property({ type: Boolean }) hasNext = false;
  /** How many pages the list has, when the server told (X-Total-Count); 0 when unknown. */
  @property({ type: Number }) pages = 0;

  private _locale = new LocaleController(this);

  private _href(page: number): string {
    const url = new URL(window.location.href);
    if (page === 1) url.searchParams.delete('page');
    else url.searchParams.set('page', String(page));
    return `${url.pathname}${url.search}`;
  }

  override render() {
    if (this.page === 1 && !this.hasNext) return html``;
    return html`
      <nav aria-label=${t('browse.pagination')}>
        ${this.page > 1 ? html`<a href=${this._href(this.page - 1)} rel="prev">${t('browse.previous')}</a>` : ''}
        <span aria-current="page">${this.pages > 0 ? t('visitor.pageOf', { page: this.page, pages: this.pages }) : t('browse.page', { page: this.page })}</span>
        ${this.hasNext ? html`<a href=${this._href(this.page + 1)} rel="next">${t('browse.next')}</a>` : ''}
      </nav>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-pager': FabPager;
  }
}

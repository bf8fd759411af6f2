import { css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { Task, TaskStatus } from '@lit/task';
import { LightDomElement } from '../light-dom-element.js';
import { LocaleController, t } from '../i18n/index.js';
import { listOwnerRepositories } from '../api/browse.js';
import { getOwnerType } from '../api/orgs.js';
import { renderTask } from '../task-status.js';
import './fab-org-page.js';
import '../fab-repo-list.js';
import '../fab-pager.js';

const PAGE_SIZE = 20;

/** `/{owner}`: the repositories of an account; for an organisation, the organisation's page. */
@customElement('fab-user-page')
export class FabUserPage extends LightDomElement {
  static override styles = css`
    fab-user-page h2 {
      font-size: 1.25rem;
    }
  `;

  @property() owner = '';
  @property({ type: Number }) page = 1;

  private _locale = new LocaleController(this);

  private _ownerType = new Task(this, {
    task: ([owner], { signal }) => getOwnerType(owner, signal),
    args: () => [this.owner] as const,
  });

  private _repositories = new Task(this, {
    task: ([owner, page], { signal }) => listOwnerRepositories(owner, page, PAGE_SIZE, signal),
    args: () => [this.owner, this.page] as const,
  });

  override render() {
    // Only a finished answer: while the next owner loads, the last one's type may still be there.
    if (this._ownerType.status === TaskStatus.COMPLETE && this._ownerType.value === 'organization') return html`<fab-org-page .org=${this.owner}></fab-org-page>`;
    return html`
      <h1>${this.owner}</h1>
      <h2>${t('user.repositories')}</h2>
      ${renderTask(this._repositories, (repositories) =>
        repositories.length === 0 && this.page === 1
          ? html`<p>${t('user.empty', { owner: this.owner })}</p>`
          : html`<fab-repo-list .repositories=${repositories}></fab-repo-list>
              <fab-pager .page=${this.page} .hasNext=${repositories.length === PAGE_SIZE}></fab-pager>`,
      )}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-user-page': FabUserPage;
  }
}

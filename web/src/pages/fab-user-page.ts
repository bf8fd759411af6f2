import { css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { Task, TaskStatus } from '@lit/task';
import { LightDomElement } from '../light-dom-element.js';
import { LocaleController, t } from '../i18n/index.js';
import '../i18n/areas/account.js';
import { listOwnerRepositories } from '../api/browse.js';
import { getOwnerType } from '../api/orgs.js';
import { getUser } from '../api/account.js';
import type { User } from '../api/auth.js';
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
    fab-user-page .fab-profile {
      display: flex;
      flex-wrap: wrap;
      gap: 1.25rem;
      align-items: flex-start;
      margin-bottom: 1.5rem;
    }
    fab-user-page .fab-profile img {
      flex: none;
      width: 7rem;
      height: 7rem;
      border-radius: 50%;
      background: var(--fab-surface);
    }
    fab-user-page .fab-profile > div {
      flex: 1 1 16rem;
      min-width: 0;
      overflow-wrap: anywhere;
    }
    fab-user-page .fab-profile h1 {
      margin: 0;
    }
    fab-user-page .fab-login {
      margin: 0;
      color: var(--fab-muted);
      font-size: 1.125rem;
    }
    fab-user-page .fab-facts {
      display: flex;
      flex-wrap: wrap;
      gap: 0.25rem 1.25rem;
      margin: 0.5rem 0 0;
      padding: 0;
      list-style: none;
    }
  `;

  @property() owner = '';
  @property({ type: Number }) page = 1;

  private _locale = new LocaleController(this);

  private _ownerType = new Task(this, {
    task: ([owner], { signal }) => getOwnerType(owner, signal),
    args: () => [this.owner] as const,
  });

  private _profile = new Task(this, {
    task: ([owner], { signal }) => getUser(owner, signal),
    args: () => [this.owner] as const,
  });

  private _repositories = new Task(this, {
    task: ([owner, page], { signal }) => listOwnerRepositories(owner, page, PAGE_SIZE, signal),
    args: () => [this.owner, this.page] as const,
  });

  private _renderProfile(user: User) {
    const website = user.website ? safeWebsite(user.website) : null;
    return html`<div class="fab-profile">
      <img src=${user.avatar_url} alt="" width="112" height="112" />
      <div>
        ${user.full_name
          ? html`<h1>${user.full_name}</h1>
              <p class="fab-login">${user.login}</p>`
          : html`<h1>${user.login}</h1>`}
        ${user.description ? html`<p>${user.description}</p>` : nothing}
        <ul class="fab-facts">
          ${user.location ? html`<li><span class="visually-hidden">${t('profile.location')} </span>${user.location}</li>` : nothing}
          ${website ? html`<li><span class="visually-hidden">${t('profile.website')} </span><a href=${website} rel="nofollow ugc noopener">${website}</a></li>` : nothing}
        </ul>
      </div>
    </div>`;
  }

  override render() {
    // Only a finished answer: while the next owner loads, the last one's type may still be there.
    if (this._ownerType.status === TaskStatus.COMPLETE && this._ownerType.value === 'organization') return html`<fab-org-page .org=${this.owner}></fab-org-page>`;
    return html`
      ${this._profile.render({
        initial: () => html`<h1>${this.owner}</h1>`,
        pending: () => html`<h1>${this.owner}</h1>`,
        error: () => html`<h1>${this.owner}</h1>`,
        complete: (user) => this._renderProfile(user),
      })}
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

/** A website is shown as a link only when it is http(s): the server checks it too, older rows may predate the check. */
function safeWebsite(website: string): string | null {
  try {
    const url = new URL(website);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-user-page': FabUserPage;
  }
}

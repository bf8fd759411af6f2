import { css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { LightDomElement } from '../light-dom-element.js';
import { LocaleController, t } from '../i18n/index.js';
import '../i18n/areas/orgs.js';
import { getOrganization, listMembers, listOrgRepositories } from '../api/orgs.js';
import { apiErrorText, asApiError } from '../forms.js';
import { SessionController } from '../session.js';
import '../fab-org-teams.js';

/** `/org/{org}` and `/{org}`: an organisation, its repositories (private ones only to those who may read them), its members, and its teams to members. */
@customElement('fab-org-page')
export class FabOrgPage extends LightDomElement {
  static override styles = css`
    fab-org-page h2 {
      font-size: 1.25rem;
    }
    fab-org-page ul.fab-org-list {
      padding: 0;
      list-style: none;
    }
    fab-org-page ul.fab-org-list li {
      padding: 0.5rem 0;
      border-bottom: 1px solid var(--fab-border);
    }
    fab-org-page .fab-badge {
      margin-left: 0.5rem;
      padding: 0 0.375rem;
      font-size: 0.875rem;
      border: 1px solid var(--fab-border);
      border-radius: var(--fab-radius);
    }
  `;

  @property() org = '';

  private _locale = new LocaleController(this);
  private _session = new SessionController(this);

  private _data = new Task(this, {
    task: async ([org], { signal }) => {
      const [organization, repositories, members] = await Promise.all([
        getOrganization(org, signal),
        listOrgRepositories(org, signal),
        listMembers(org, signal),
      ]);
      return { organization, repositories, members };
    },
    args: () => [this.org] as const,
  });

  override render() {
    return this._data.render({
      pending: () => html`<h1>${this.org}</h1><p role="status">${t('org.loading')}</p>`,
      error: (err) => html`<h1>${this.org}</h1><div class="fab-alert" role="alert">${apiErrorText(asApiError(err), { 404: 'org.notFound' })}</div>`,
      complete: ({ organization, repositories, members }) => {
        const login = this._session.user?.login;
        // Teams are listed to members only: asking as anyone else would be a 404.
        const member = login !== undefined && members.some((m) => m.login === login);
        return html`
        <h1>${organization.full_name || organization.username}</h1>
        ${organization.description ? html`<p>${organization.description}</p>` : ''}
        <h2>${t('org.repositories')}</h2>
        ${repositories.length === 0
          ? html`<p>${t('org.noRepositories')}</p>`
          : html`<ul class="fab-org-list">
              ${repositories.map(
                (repo) => html`<li>
                  <a href=${`/${repo.full_name}`}>${repo.name}</a>${repo.private ? html`<span class="fab-badge">${t('org.private')}</span>` : ''}
                  ${repo.description ? html`<div>${repo.description}</div>` : ''}
                </li>`,
              )}
            </ul>`}
        <h2>${t('org.members')}</h2>
        <ul class="fab-org-list">
          ${members.map((m) => html`<li><a href=${`/${m.login}`}>${m.login}</a>${m.full_name ? ` (${m.full_name})` : ''}</li>`)}
        </ul>
        ${member ? html`<fab-org-teams .org=${organization.username} .repositories=${repositories}></fab-org-teams>` : ''}
        ${member ? html`<p><a href=${`/org/${encodeURIComponent(organization.username)}/licences`}>${t('orgLicences.link')}</a></p>` : ''}
      `;
      },
    });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-org-page': FabOrgPage;
  }
}

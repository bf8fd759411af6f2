import { css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { LightDomElement } from './light-dom-element.js';
import { LocaleController, t } from './i18n/index.js';
import './i18n/areas/orgs.js';
import type { ApiError } from './api/client.js';
import type { Member } from './api/orgs.js';
import type { Repository } from './api/browse.js';
import {
  addTeamMember,
  addTeamRepository,
  createTeam,
  listTeamMembers,
  listTeamRepositories,
  listTeams,
  removeTeamMember,
  removeTeamRepository,
  type NewTeamPermission,
  type Team,
} from './api/teams.js';
import { apiErrorText, asApiError, formStyles, textField } from './forms.js';
import { SessionController } from './session.js';
import { renderTask } from './task-status.js';

const ERROR_ID = 'org-teams-error';
const PERMISSIONS: readonly NewTeamPermission[] = ['read', 'write', 'admin'];

interface TeamDetails {
  team: Team;
  members: Member[];
  repositories: Repository[];
}

/**
 * The teams of an organisation, for its members: each team's permission, members and repositories.
 * Owners (and site administrators) also create teams and change who and what belongs to them.
 */
@customElement('fab-org-teams')
export class FabOrgTeams extends LightDomElement {
  static override styles = [
    formStyles,
    css`
      fab-org-teams {
        display: block;
      }
      fab-org-teams h2 {
        font-size: 1.25rem;
      }
      fab-org-teams h3 {
        margin-bottom: 0.25rem;
        font-size: 1.125rem;
      }
      fab-org-teams section.fab-team {
        margin-bottom: 1.5rem;
        padding: 0.75rem 1rem;
        border: 1px solid var(--fab-border);
        border-radius: var(--fab-radius);
      }
      fab-org-teams ul {
        padding-left: 1.25rem;
      }
      fab-org-teams li {
        margin: 0.25rem 0;
      }
      fab-org-teams li .fab-button {
        margin-left: 0.5rem;
        padding: 0.125rem 0.625rem;
      }
      fab-org-teams .fab-inline-form {
        display: flex;
        flex-wrap: wrap;
        align-items: end;
        gap: 0.5rem 1rem;
        margin: 0.5rem 0;
      }
      fab-org-teams select,
      fab-org-teams textarea,
      fab-org-teams .fab-inline-form input {
        margin-top: 0.25rem;
        padding: 0.5rem 0.625rem;
        font: inherit;
        border: 2px solid var(--fab-border);
        border-radius: var(--fab-radius);
      }
      fab-org-teams textarea {
        width: 100%;
      }
      fab-org-teams .fab-inline-form label {
        display: block;
        font-weight: 600;
      }
    `,
  ];

  @property() org = '';
  /** The organisation's repositories, offered when adding one to a team. */
  @property({ attribute: false }) repositories: Repository[] = [];

  @state() private _error: ApiError | null = null;
  @state() private _done: string | null = null;

  private _locale = new LocaleController(this);
  private _session = new SessionController(this);

  private _teams = new Task(this, {
    task: async ([org], { signal }): Promise<TeamDetails[]> => {
      const teams = await listTeams(org, signal);
      return Promise.all(
        teams.map(async (team) => {
          const [members, repositories] = await Promise.all([listTeamMembers(team.id, signal), listTeamRepositories(team.id, signal)]);
          return { team, members, repositories };
        }),
      );
    },
    args: () => [this.org] as const,
  });

  /** Owners administer the organisation: the members of its Owners team, and site administrators. */
  private _mayAdminister(teams: TeamDetails[]): boolean {
    const user = this._session.user;
    if (!user) return false;
    return user.is_admin || teams.some(({ team, members }) => team.permission === 'owner' && members.some((m) => m.login === user.login));
  }

  override render() {
    return html`
      <h2 id="teams-heading" tabindex="-1">${t('teams.heading')}</h2>
      <div class="fab-alert" role="alert" id=${ERROR_ID}>${this._error ? apiErrorText(this._error, { 409: 'teams.taken' }) : nothing}</div>
      <div role="status">${this._done ? html`<p class="fab-success">${this._done}</p>` : nothing}</div>
      ${renderTask(this._teams, (teams) => {
        const admin = this._mayAdminister(teams);
        return html`${teams.map((details) => this._renderTeam(details, admin))} ${admin ? this._renderNewTeam() : nothing}`;
      })}
    `;
  }

  private _renderTeam({ team, members, repositories }: TeamDetails, admin: boolean) {
    const id = `team-${team.id}`;
    const offered = this.repositories.filter((repo) => !repositories.some((r) => r.id === repo.id));
    return html`<section class="fab-team" aria-labelledby=${`${id}-name`}>
      <h3 id=${`${id}-name`}>${team.name}</h3>
      <p>
        ${t(`teams.permission.${team.permission}`)}${team.includes_all_repositories ? html` · ${t('teams.allRepositories')}` : nothing}${team.can_create_org_repo
          ? html` · ${t('teams.canCreate')}`
          : nothing}
      </p>
      ${team.description ? html`<p>${team.description}</p>` : nothing}
      <h4>${t('teams.members')}</h4>
      ${members.length === 0
        ? html`<p>${t('teams.noMembers')}</p>`
        : html`<ul>
            ${members.map(
              (m) => html`<li>
                <a href=${`/${encodeURIComponent(m.login)}`}>${m.login}</a>
                ${admin
                  ? html`<button class="fab-button fab-secondary" type="button" aria-label=${t('teams.removeMember', { user: m.login, team: team.name })} @click=${() =>
                      this._change(() => removeTeamMember(team.id, m.login), t('teams.memberRemoved', { user: m.login, team: team.name }))}>
                      ${t('teams.remove')}
                    </button>`
                  : nothing}
              </li>`,
            )}
          </ul>`}
      ${admin
        ? html`<form class="fab-inline-form" @submit=${(e: SubmitEvent) => this._addMember(e, team)}>
            <div>
              <label for=${`${id}-member`}>${t('teams.addMember', { team: team.name })}</label>
              <input id=${`${id}-member`} name="username" type="text" autocomplete="off" required />
            </div>
            <button class="fab-button" type="submit">${t('teams.add')}</button>
          </form>`
        : nothing}
      <h4>${t('teams.repositories')}</h4>
      ${repositories.length === 0
        ? html`<p>${t('teams.noRepositories')}</p>`
        : html`<ul>
            ${repositories.map(
              (r) => html`<li>
                <a href=${`/${r.full_name}`}>${r.name}</a>
                ${admin && !team.includes_all_repositories
                  ? html`<button class="fab-button fab-secondary" type="button" aria-label=${t('teams.removeRepository', { repo: r.name, team: team.name })} @click=${() =>
                      this._change(() => removeTeamRepository(team.id, this.org, r.name), t('teams.repositoryRemoved', { repo: r.name, team: team.name }))}>
                      ${t('teams.remove')}
                    </button>`
                  : nothing}
              </li>`,
            )}
          </ul>`}
      ${admin && !team.includes_all_repositories && offered.length > 0
        ? html`<form class="fab-inline-form" @submit=${(e: SubmitEvent) => this._addRepository(e, team)}>
            <div>
              <label for=${`${id}-repo`}>${t('teams.addRepository', { team: team.name })}</label>
              <select id=${`${id}-repo`} name="repo">
                ${offered.map((r) => html`<option value=${r.name}>${r.name}</option>`)}
              </select>
            </div>
            <button class="fab-button" type="submit">${t('teams.add')}</button>
          </form>`
        : nothing}
    </section>`;
  }

  private _renderNewTeam() {
    return html`<h3>${t('teams.new')}</h3>
      <form class="fab-form" @submit=${this._create}>
        ${textField({ id: 'new-team-name', name: 'name', label: 'teams.name', type: 'text', autocomplete: 'off', invalid: this._error?.field === 'name', errorId: ERROR_ID })}
        <div>
          <label for="new-team-description">${t('teams.description')}</label>
          <textarea id="new-team-description" name="description" rows="2" maxlength="255"></textarea>
        </div>
        <fieldset>
          <legend>${t('teams.permission')}</legend>
          ${PERMISSIONS.map(
            (p) => html`<div class="fab-check">
              <input type="radio" id=${`new-team-${p}`} name="permission" value=${p} ?checked=${p === 'read'} />
              <label for=${`new-team-${p}`}>${t(`teams.permission.${p}`)}</label>
            </div>`,
          )}
        </fieldset>
        <fieldset>
          <legend>${t('teams.scope')}</legend>
          <div class="fab-check">
            <input type="radio" id="new-team-chosen" name="scope" value="chosen" checked />
            <label for="new-team-chosen">${t('teams.chosenRepositories')}</label>
          </div>
          <div class="fab-check">
            <input type="radio" id="new-team-all" name="scope" value="all" />
            <label for="new-team-all">${t('teams.allRepositories')}</label>
          </div>
        </fieldset>
        <div class="fab-check">
          <input type="checkbox" id="new-team-create" name="can_create_org_repo" />
          <label for="new-team-create">${t('teams.canCreate')}</label>
        </div>
        <button class="fab-button" type="submit">${t('teams.create')}</button>
      </form>`;
  }

  /** Runs a change, reloads the teams and says what happened, or shows the server's reason. */
  private async _change(change: () => Promise<unknown>, done: string): Promise<boolean> {
    this._error = null;
    this._done = null;
    try {
      await change();
    } catch (err) {
      this._error = asApiError(err);
      return false;
    }
    this._done = done;
    await this._teams.run();
    return true;
  }

  private async _create(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const name = String(data.get('name') ?? '').trim();
    const created = await this._change(
      () =>
        createTeam(this.org, {
          name,
          description: String(data.get('description') ?? '').trim(),
          permission: String(data.get('permission') ?? 'read') as NewTeamPermission,
          includes_all_repositories: data.get('scope') === 'all',
          can_create_org_repo: data.get('can_create_org_repo') !== null,
        }),
      t('teams.created', { team: name }),
    );
    if (created) form.reset();
    else this.querySelector<HTMLInputElement>('#new-team-name')?.focus();
  }

  private async _addMember(event: SubmitEvent, team: Team): Promise<void> {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const username = String(new FormData(form).get('username') ?? '').trim();
    if (await this._change(() => addTeamMember(team.id, username), t('teams.memberAdded', { user: username, team: team.name }))) form.reset();
    else this.querySelector<HTMLInputElement>(`#team-${team.id}-member`)?.focus();
  }

  private async _addRepository(event: SubmitEvent, team: Team): Promise<void> {
    event.preventDefault();
    const repo = String(new FormData(event.currentTarget as HTMLFormElement).get('repo') ?? '');
    await this._change(() => addTeamRepository(team.id, this.org, repo), t('teams.repositoryAdded', { repo, team: team.name }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-org-teams': FabOrgTeams;
  }
}

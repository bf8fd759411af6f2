import type { TeamRow } from '../db/teams.js';
import type { UserRow } from '../db/users.js';
import { presentOrganization } from './organization.js';
import { Team } from '../../contract/organisations.js';

export { Team };

/** The repository units Gitea lists on a team; a Fabrique team has one permission on all of them. */
export const TEAM_UNITS = ['repo.code', 'repo.issues', 'repo.pulls', 'repo.releases', 'repo.wiki'] as const;

export function presentTeam(team: TeamRow, org: UserRow | null, baseUrl: string): Team {
  return {
    id: team.id,
    name: team.name,
    description: team.description,
    organization: org ? presentOrganization(org, baseUrl) : null,
    includes_all_repositories: team.includes_all_repositories === 1 || team.permission === 'owner',
    permission: team.permission,
    can_create_org_repo: team.can_create_org_repo === 1 || team.permission === 'owner',
    units: [...TEAM_UNITS],
    units_map: Object.fromEntries(TEAM_UNITS.map((unit) => [unit, team.permission === 'owner' ? 'admin' : team.permission])),
  };
}

import { Type, type Static } from '@sinclair/typebox';
import type { TeamRow } from '../db/teams.js';
import type { UserRow } from '../db/users.js';
import { Organization, presentOrganization } from './organization.js';

/** The repository units Gitea lists on a team; a Fabrique team has one permission on all of them. */
export const TEAM_UNITS = ['repo.code', 'repo.issues', 'repo.pulls', 'repo.releases', 'repo.wiki'] as const;

/** Gitea's Team object. */
export const Team = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  description: Type.String(),
  organization: Type.Union([Organization, Type.Null()]),
  includes_all_repositories: Type.Boolean(),
  permission: Type.String(),
  can_create_org_repo: Type.Boolean(),
  units: Type.Array(Type.String()),
  units_map: Type.Record(Type.String(), Type.String()),
});
export type Team = Static<typeof Team>;

export function presentTeam(team: TeamRow, org: UserRow | null): Team {
  return {
    id: team.id,
    name: team.name,
    description: team.description,
    organization: org ? presentOrganization(org) : null,
    includes_all_repositories: team.includes_all_repositories === 1 || team.permission === 'owner',
    permission: team.permission,
    can_create_org_repo: team.can_create_org_repo === 1 || team.permission === 'owner',
    units: [...TEAM_UNITS],
    units_map: Object.fromEntries(TEAM_UNITS.map((unit) => [unit, team.permission === 'owner' ? 'admin' : team.permission])),
  };
}

import { Type, type Static } from '@sinclair/typebox';

export const OrgParams = Type.Object({ org: Type.String() });
export const OrgMemberParams = Type.Object({ org: Type.String(), username: Type.String() });

const Visibility = Type.Union([Type.Literal('public'), Type.Literal('limited'), Type.Literal('private')]);

/** Gitea's CreateOrgOption. */
export const CreateOrgOption = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 100 }),
  full_name: Type.Optional(Type.String({ maxLength: 100 })),
  email: Type.Optional(Type.String({ maxLength: 254 })),
  description: Type.Optional(Type.String({ maxLength: 255 })),
  website: Type.Optional(Type.String({ maxLength: 255 })),
  location: Type.Optional(Type.String({ maxLength: 50 })),
  visibility: Type.Optional(Visibility),
  repo_admin_change_team_access: Type.Optional(Type.Boolean()),
});
export type CreateOrgOption = Static<typeof CreateOrgOption>;

/** Gitea's EditOrgOption. */
export const EditOrgOption = Type.Object({
  full_name: Type.Optional(Type.String({ maxLength: 100 })),
  email: Type.Optional(Type.String({ maxLength: 254 })),
  description: Type.Optional(Type.String({ maxLength: 255 })),
  website: Type.Optional(Type.String({ maxLength: 255 })),
  location: Type.Optional(Type.String({ maxLength: 50 })),
  visibility: Type.Optional(Visibility),
  repo_admin_change_team_access: Type.Optional(Type.Boolean()),
});
export type EditOrgOption = Static<typeof EditOrgOption>;

const TeamPermission = Type.Union([Type.Literal('read'), Type.Literal('write'), Type.Literal('admin')]);

/** Gitea's CreateTeamOption; `units_map` without `permission` gives the team the strongest unit permission. */
export const CreateTeamOption = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 30 }),
  description: Type.Optional(Type.String({ maxLength: 255 })),
  permission: Type.Optional(TeamPermission),
  includes_all_repositories: Type.Optional(Type.Boolean()),
  can_create_org_repo: Type.Optional(Type.Boolean()),
  units: Type.Optional(Type.Array(Type.String())),
  units_map: Type.Optional(Type.Record(Type.String(), Type.String())),
});
export type CreateTeamOption = Static<typeof CreateTeamOption>;

/** Gitea's EditTeamOption. */
export const EditTeamOption = Type.Partial(CreateTeamOption);
export type EditTeamOption = Static<typeof EditTeamOption>;

/** The permission a team option asks for: explicit, else the strongest in units_map. */
export function teamPermission(option: EditTeamOption): 'read' | 'write' | 'admin' | undefined {
  if (option.permission) return option.permission;
  const values = Object.values(option.units_map ?? {});
  for (const level of ['admin', 'write', 'read'] as const) if (values.includes(level)) return level;
  return undefined;
}

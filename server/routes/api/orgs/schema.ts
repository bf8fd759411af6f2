import { Type, type Static } from '@sinclair/typebox';
import { CreateOrgOption, CreateTeamOption, Visibility } from '../../../../contract/organisations.js';

export { CreateOrgOption, CreateTeamOption };

export const OrgParams = Type.Object({ org: Type.String() });
export const OrgMemberParams = Type.Object({ org: Type.String(), username: Type.String() });

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

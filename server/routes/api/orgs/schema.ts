import { Type, type Static } from '@sinclair/typebox';
import { CreateOrgOption, CreateTeamOption } from '../../../../contract/organisations.js';

export { CreateOrgOption, CreateTeamOption };

export const OrgParams = Type.Object({ org: Type.String() });
export const OrgMemberParams = Type.Object({ org: Type.String(), username: Type.String() });

/** Gitea's EditOrgOption: what CreateOrgOption sets, but the name. */
export const EditOrgOption = Type.Omit(CreateOrgOption, ['username']);
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

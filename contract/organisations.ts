import { Type, type Static } from '@sinclair/typebox';

/** Who may see an organisation: everyone, signed-in accounts, or its members. */
export const Visibility = Type.Union([Type.Literal('public'), Type.Literal('limited'), Type.Literal('private')]);
export type Visibility = Static<typeof Visibility>;

/** Gitea's Organization object. */
export const Organization = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  username: Type.String(),
  full_name: Type.String(),
  email: Type.String(),
  avatar_url: Type.String(),
  description: Type.String(),
  website: Type.String(),
  location: Type.String(),
  visibility: Visibility,
  repo_admin_change_team_access: Type.Boolean(),
});
export type Organization = Static<typeof Organization>;

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

/** What a team may do on its repositories; `owner` is the Owners team, which administers the organisation. */
export const TeamPermission = Type.Union([Type.Literal('read'), Type.Literal('write'), Type.Literal('admin'), Type.Literal('owner')]);
export type TeamPermission = Static<typeof TeamPermission>;

/** Gitea's Team object. */
export const Team = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  description: Type.String(),
  organization: Type.Union([Organization, Type.Null()]),
  includes_all_repositories: Type.Boolean(),
  permission: TeamPermission,
  can_create_org_repo: Type.Boolean(),
  units: Type.Array(Type.String()),
  units_map: Type.Record(Type.String(), Type.String()),
});
export type Team = Static<typeof Team>;

/** The permission a new team may be given: the Owners team exists once, made with its organisation. */
export const NewTeamPermission = Type.Union([Type.Literal('read'), Type.Literal('write'), Type.Literal('admin')]);
export type NewTeamPermission = Static<typeof NewTeamPermission>;

/** Gitea's CreateTeamOption; `units_map` without `permission` gives the team the strongest unit permission. */
export const CreateTeamOption = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 30 }),
  description: Type.Optional(Type.String({ maxLength: 255 })),
  permission: Type.Optional(NewTeamPermission),
  includes_all_repositories: Type.Optional(Type.Boolean()),
  can_create_org_repo: Type.Optional(Type.Boolean()),
  units: Type.Optional(Type.Array(Type.String())),
  units_map: Type.Optional(Type.Record(Type.String(), Type.String())),
});
export type CreateTeamOption = Static<typeof CreateTeamOption>;

import { Type, type Static } from '@sinclair/typebox';
import type { UserRow } from '../db/users.js';

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
  visibility: Type.String(),
  repo_admin_change_team_access: Type.Boolean(),
});
export type Organization = Static<typeof Organization>;

export function presentOrganization(org: UserRow): Organization {
  return {
    id: org.id,
    name: org.username,
    username: org.username,
    full_name: org.full_name,
    email: '',
    avatar_url: '',
    description: org.description,
    website: org.website,
    location: org.location,
    visibility: org.visibility,
    repo_admin_change_team_access: false,
  };
}

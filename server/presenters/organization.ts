import type { UserRow } from '../db/users.js';
import { Organization } from '../../contract/organisations.js';
import { avatarUrl } from '../lib/avatars.js';

export { Organization };

/** An organisation as Gitea shows it, with its avatar's absolute URL. */
export function presentOrganization(org: UserRow, baseUrl: string): Organization {
  return {
    id: org.id,
    name: org.username,
    username: org.username,
    full_name: org.full_name,
    email: '',
    avatar_url: avatarUrl(baseUrl, org),
    description: org.description,
    website: org.website,
    location: org.location,
    visibility: org.visibility,
    repo_admin_change_team_access: false,
  };
}

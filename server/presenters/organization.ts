import type { UserRow } from '../db/users.js';
import { Organization } from '../../contract/organisations.js';

export { Organization };

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

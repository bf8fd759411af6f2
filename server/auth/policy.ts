import type { Db } from '../db/index.js';
import type { UserRow } from '../db/users.js';
import { maintainerEditableHeads } from '../db/pulls.js';
import { findRepo, findRepoById, grantedPermission, isOrgMember, isOrgOwner, type RepoRow, type RepoViewer } from '../db/repos.js';
import { memberMayCreateOrgRepo } from '../db/teams.js';
import { forbidden, notFound, unauthorized } from '../errors.js';
import { filterAsync } from '../lib/async.js';

/**
 * Token scopes, Gitea's whole vocabulary, so that a Gitea client's token request is accepted as it
 * is. A session or a password carries every scope (null). Issues, notifications, packages and
 * ActivityPub have no routes in Fabrique: their scopes grant nothing here.
 */
export const SCOPES = [
  'all',
  'read:repository',
  'write:repository',
  'read:user',
  'write:user',
  'read:organization',
  'write:organization',
  'read:admin',
  'write:admin',
  'read:issue',
  'write:issue',
  'read:notification',
  'write:notification',
  'read:misc',
  'write:misc',
  'read:package',
  'write:package',
  'read:activitypub',
  'write:activitypub',
] as const;
export type Scope = (typeof SCOPES)[number];

/** Who is asking: nobody, or an account reached through a session, a password or a token. */
export type Actor =
  | { kind: 'anonymous' }
  | { kind: 'user'; user: UserRow; via: 'session' | 'password' | 'token'; scopes: ReadonlySet<Scope> | null; tokenId?: number };

export const ANONYMOUS: Actor = { kind: 'anonymous' };

export type Access = 'none' | 'read' | 'write' | 'admin';
const ACCESS_ORDER: Access[] = ['none', 'read', 'write', 'admin'];

/**
 * `repo:sync` is writing a mirror's refs from its source: the one write a mirror accepts. `repo:push`
 * is starting a git push: write access, or a base maintainer's push to a fork's pull request head
 * that allows it (the ref gate then takes that branch only).
 */
export type RepoAction = 'repo:read' | 'repo:write' | 'repo:admin' | 'repo:sync' | 'repo:push';
export type OrgAction = 'org:read' | 'org:member' | 'org:create-repo' | 'org:admin';
export type UserAction = 'user:read' | 'user:write' | 'user:create-repo';
export type SiteAction = 'site:admin' | 'site:create-org';

export type Resource =
  | { type: 'repo'; repo: RepoRow }
  | { type: 'org'; org: UserRow }
  | { type: 'user'; user: UserRow }
  | { type: 'site' };

/** The token scope families the policy checks; `issue` reads a repository only for its issue routes. */
export type ScopeFamily = 'repository' | 'organization' | 'user' | 'admin' | 'issue';

/** The scope family a token needs for an action's resource; write implies read. */
function tokenAllows(actor: Actor, family: ScopeFamily, level: 'read' | 'write'): boolean {
  if (actor.kind !== 'user' || actor.scopes === null) return true;
  if (actor.scopes.has('all')) return true;
  if (actor.scopes.has(`write:${family}` as Scope)) return true;
  return level === 'read' && actor.scopes.has(`read:${family}` as Scope);
}

/** The signed-in, unsuspended account behind an actor, if any. */
function activeUser(actor: Actor): UserRow | null {
  return actor.kind === 'user' && actor.user.prohibit_login === 0 ? actor.user : null;
}

/**
 * The one permission policy, for the API, the web UI and git alike.
 * Owners and site administrators hold admin; collaborators and teams what they were granted;
 * everyone reads a public repository; a token narrows all of it to its scopes.
 */
export class Policy {
  constructor(private readonly db: Db) {}

  /** The access an actor has to a repository, before token scopes. */
  async repoAccess(actor: Actor, repo: RepoRow): Promise<Access> {
    const user = activeUser(actor);
    // A public repository is readable by those who may see its owner: a private organisation
    // shows it to its members only, a limited one to signed-in users.
    const ownerVisible =
      repo.owner_visibility === 'public' ||
      (user !== null && (repo.owner_visibility === 'limited' || (repo.owner_type === 'org' && await isOrgMember(this.db, repo.owner_id, user.id))));
    const publicAccess: Access = !repo.is_private && ownerVisible ? 'read' : 'none';
    if (!user) return publicAccess;
    if (user.is_admin || user.id === repo.owner_id) return 'admin';
    if (repo.owner_type === 'org' && await isOrgOwner(this.db, repo.owner_id, user.id)) return 'admin';
    const granted = await grantedPermission(this.db, repo.id, user.id);
    const fromGrant: Access = granted === null ? 'none' : granted === 'owner' ? 'admin' : granted;
    return ACCESS_ORDER[Math.max(ACCESS_ORDER.indexOf(fromGrant), ACCESS_ORDER.indexOf(publicAccess))];
  }

  /** Whether the actor may do the action; `readVia: 'issue'` lets an issue-scoped token read a private repository (its issue routes), as Gitea. */
  async can(actor: Actor, action: RepoAction | OrgAction | UserAction | SiteAction, resource: Resource, readVia: 'repository' | 'issue' = 'repository'): Promise<boolean> {
    const user = activeUser(actor);
    switch (resource.type) {
      case 'repo': {
        if (action === 'repo:push') {
          if (await this.can(actor, 'repo:write', resource)) return true;
          const { repo } = resource;
          return !repo.is_archived && !repo.is_mirror && tokenAllows(actor, 'repository', 'write') && (await this.maintainerEditBranches(actor, repo)).length > 0;
        }
        const needed: Access = action === 'repo:read' ? 'read' : action === 'repo:admin' ? 'admin' : 'write';
        const access = await this.repoAccess(actor, resource.repo);
        if (ACCESS_ORDER.indexOf(access) < ACCESS_ORDER.indexOf(needed)) return false;
        // An archived repository is read-only for everyone; its administrators may still unarchive it.
        if (action === 'repo:write' && resource.repo.is_archived) return false;
        // A mirror's content comes from its source only: pushes, web edits and merges would be overwritten.
        if (action === 'repo:write' && resource.repo.is_mirror) return false;
        // Anyone may read a public repository, whatever the token's scopes.
        if (needed === 'read' && !resource.repo.is_private) return true;
        if (needed === 'read' && readVia === 'issue' && tokenAllows(actor, 'issue', 'read')) return true;
        return tokenAllows(actor, 'repository', needed === 'read' ? 'read' : 'write');
      }
      case 'org': {
        const { org } = resource;
        if (action === 'org:read') {
          if (org.visibility === 'public') return true;
          if (!user || !tokenAllows(actor, 'organization', 'read')) return false;
          return org.visibility === 'limited' || user.is_admin === 1 || await isOrgMember(this.db, org.id, user.id);
        }
        if (!user) return false;
        const level = action === 'org:member' ? 'read' : 'write';
        if (!tokenAllows(actor, 'organization', level)) return false;
        if (user.is_admin) return true;
        if (action === 'org:member') return await isOrgMember(this.db, org.id, user.id);
        if (await isOrgOwner(this.db, org.id, user.id)) return true;
        if (action === 'org:create-repo') {
          return await memberMayCreateOrgRepo(this.db, org.id, user.id);
        }
        return false;
      }
      case 'user': {
        if (action === 'user:read') {
          // One visibility rule whatever the path: an organisation named as a user is read as an organisation.
          if (resource.user.type === 'org') return await this.can(actor, 'org:read', { type: 'org', org: resource.user });
          return resource.user.visibility === 'public' || user !== null;
        }
        // Creating a repository under an account is a repository write, as Gitea scopes it.
        if (!user || !tokenAllows(actor, action === 'user:create-repo' ? 'repository' : 'user', 'write')) return false;
        return user.is_admin === 1 || user.id === resource.user.id;
      }
      case 'site':
        if (action === 'site:create-org') return user !== null && tokenAllows(actor, 'organization', 'write');
        return user !== null && user.is_admin === 1 && tokenAllows(actor, 'admin', 'write');
    }
  }

  /**
   * Gitea's CanMaintainerWriteToBranch: the head branches of `fork` (as `refs/heads/<name>`) that
   * the actor may push to without write access to it, because an open pull request from that
   * branch allows edits from maintainers and the actor may write to its base repository.
   */
  async maintainerEditBranches(actor: Actor, fork: RepoRow): Promise<string[]> {
    if (!activeUser(actor)) return [];
    return (await filterAsync(await maintainerEditableHeads(this.db, fork.id), async (head) => {
        const base = await findRepoById(this.db, head.base_repo_id);
        return base !== undefined && (await this.can(actor, 'repo:write', { type: 'repo', repo: base }));
      }))
      .map((head) => `refs/heads/${head.head_branch}`);
  }

  /** What an actor may do with a repository once token scopes and archiving apply, as Gitea's `permissions`. */
  async repoPermissions(actor: Actor, repo: RepoRow): Promise<{ admin: boolean; push: boolean; pull: boolean }> {
    const resource = { type: 'repo', repo } as const;
    return { admin: await this.can(actor, 'repo:admin', resource), push: await this.can(actor, 'repo:write', resource), pull: await this.can(actor, 'repo:read', resource) };
  }

  /** The signed-in, unsuspended account behind the actor; a 401 for anyone else. */
  signedIn(actor: Actor): UserRow {
    const user = activeUser(actor);
    if (!user) throw unauthorized();
    return user;
  }

  /** Who the actor is for repository listings and search: the SQL twin of repoAccess and the token's scopes. */
  listingViewer(actor: Actor): RepoViewer {
    const user = activeUser(actor);
    if (!user) return { userId: null, isAdmin: false, privateAllowed: false };
    return { userId: user.id, isAdmin: user.is_admin === 1, privateAllowed: tokenAllows(actor, 'repository', 'read') };
  }

  /**
   * Finds a repository the actor may act on. A repository the actor may not read is a 404, exactly
   * like one that does not exist; one it may read but not change is a 403.
   */
  async requireRepo(actor: Actor, owner: string, name: string, action: RepoAction): Promise<RepoRow> {
    const repo = await findRepo(this.db, owner, name);
    if (!repo || !await this.can(actor, 'repo:read', { type: 'repo', repo })) throw notFound('The repository');
    await this.requireRepoAction(actor, repo, action);
    return repo;
  }

  /**
   * Checks that an actor who may read a repository may also do `action` to it: a 401 for someone
   * who has not signed in (the repository may well be theirs), a 403 saying why for anyone else.
   */
  async requireRepoAction(actor: Actor, repo: RepoRow, action: RepoAction): Promise<void> {
    if (action === 'repo:read' || await this.can(actor, action, { type: 'repo', repo })) return;
    if (actor.kind === 'anonymous') throw unauthorized();
    if ((action === 'repo:write' || action === 'repo:push') && repo.is_archived) throw forbidden(`${repo.owner_name}/${repo.name} is archived: it is read-only.`);
    if ((action === 'repo:write' || action === 'repo:push') && repo.is_mirror) {
      throw forbidden(`${repo.owner_name}/${repo.name} is a mirror of ${repo.original_url ?? 'another repository'}: it is read-only; push to the source instead.`);
    }
    throw forbidden(`You need ${action === 'repo:admin' ? 'admin' : 'write'} access to ${repo.owner_name}/${repo.name}.`);
  }

}

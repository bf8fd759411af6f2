import type { Db } from './index.js';

/** A branch protection rule as stored; the username lists are JSON arrays. */
export interface BranchProtectionRow {
  id: number;
  repo_id: number;
  rule_name: string;
  enable_push: 0 | 1;
  enable_push_whitelist: 0 | 1;
  push_whitelist_usernames: string;
  enable_force_push: 0 | 1;
  enable_force_push_allowlist: 0 | 1;
  force_push_allowlist_usernames: string;
  required_approvals: number;
  block_on_rejected_reviews: 0 | 1;
  push_whitelist_teams: string;
  dismiss_stale_approvals: 0 | 1;
  enable_status_check: 0 | 1;
  status_check_contexts: string;
  protected_file_patterns: string;
  created_at: string;
  updated_at: string;
}

/** The settable fields of a rule, in the stored shape. */
export interface BranchProtectionFields {
  enable_push: boolean;
  enable_push_whitelist: boolean;
  push_whitelist_usernames: string[];
  enable_force_push: boolean;
  enable_force_push_allowlist: boolean;
  force_push_allowlist_usernames: string[];
  required_approvals: number;
  block_on_rejected_reviews: boolean;
  push_whitelist_teams: string[];
  dismiss_stale_approvals: boolean;
  enable_status_check: boolean;
  status_check_contexts: string[];
  /** Gitea's shape: globs separated by semicolons. */
  protected_file_patterns: string;
}

function stored(fields: BranchProtectionFields) {
  return {
    enable_push: fields.enable_push ? 1 : 0,
    enable_push_whitelist: fields.enable_push_whitelist ? 1 : 0,
    push_whitelist_usernames: JSON.stringify(fields.push_whitelist_usernames),
    enable_force_push: fields.enable_force_push ? 1 : 0,
    enable_force_push_allowlist: fields.enable_force_push_allowlist ? 1 : 0,
    force_push_allowlist_usernames: JSON.stringify(fields.force_push_allowlist_usernames),
    required_approvals: fields.required_approvals,
    block_on_rejected_reviews: fields.block_on_rejected_reviews ? 1 : 0,
    push_whitelist_teams: JSON.stringify(fields.push_whitelist_teams),
    dismiss_stale_approvals: fields.dismiss_stale_approvals ? 1 : 0,
    enable_status_check: fields.enable_status_check ? 1 : 0,
    status_check_contexts: JSON.stringify(fields.status_check_contexts),
    protected_file_patterns: fields.protected_file_patterns,
  };
}

export async function listBranchProtections(db: Db, repoId: number): Promise<BranchProtectionRow[]> {
  return await db.prepare('SELECT * FROM branch_protections WHERE repo_id = ? ORDER BY id').all(repoId) as BranchProtectionRow[];
}

export async function findBranchProtection(db: Db, repoId: number, ruleName: string): Promise<BranchProtectionRow | undefined> {
  return await db.prepare('SELECT * FROM branch_protections WHERE repo_id = ? AND rule_name = ?').get(repoId, ruleName) as
    | BranchProtectionRow
    | undefined;
}

export async function insertBranchProtection(db: Db, repoId: number, ruleName: string, fields: BranchProtectionFields): Promise<BranchProtectionRow> {
  return await db
    .prepare(
      `INSERT INTO branch_protections (repo_id, rule_name, enable_push, enable_push_whitelist, push_whitelist_usernames,
         enable_force_push, enable_force_push_allowlist, force_push_allowlist_usernames, required_approvals, block_on_rejected_reviews,
         push_whitelist_teams, dismiss_stale_approvals, enable_status_check, status_check_contexts, protected_file_patterns)
       VALUES (@repoId, @ruleName, @enable_push, @enable_push_whitelist, @push_whitelist_usernames,
         @enable_force_push, @enable_force_push_allowlist, @force_push_allowlist_usernames, @required_approvals, @block_on_rejected_reviews,
         @push_whitelist_teams, @dismiss_stale_approvals, @enable_status_check, @status_check_contexts, @protected_file_patterns)
       RETURNING *`,
    )
    .get({ repoId, ruleName, ...stored(fields) }) as BranchProtectionRow;
}

export async function updateBranchProtection(db: Db, id: number, fields: BranchProtectionFields): Promise<BranchProtectionRow> {
  return await db
    .prepare(
      `UPDATE branch_protections SET enable_push = @enable_push, enable_push_whitelist = @enable_push_whitelist,
         push_whitelist_usernames = @push_whitelist_usernames, enable_force_push = @enable_force_push,
         enable_force_push_allowlist = @enable_force_push_allowlist, force_push_allowlist_usernames = @force_push_allowlist_usernames,
         required_approvals = @required_approvals, block_on_rejected_reviews = @block_on_rejected_reviews,
         push_whitelist_teams = @push_whitelist_teams, dismiss_stale_approvals = @dismiss_stale_approvals,
         enable_status_check = @enable_status_check, status_check_contexts = @status_check_contexts,
         protected_file_patterns = @protected_file_patterns,
         updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
       WHERE id = @id RETURNING *`,
    )
    .get({ id, ...stored(fields) }) as BranchProtectionRow;
}

export async function deleteBranchProtection(db: Db, id: number): Promise<void> {
  await db.prepare('DELETE FROM branch_protections WHERE id = ?').run(id);
}

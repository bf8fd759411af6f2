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
  };
}

export function listBranchProtections(db: Db, repoId: number): BranchProtectionRow[] {
  return db.prepare('SELECT * FROM branch_protections WHERE repo_id = ? ORDER BY id').all(repoId) as BranchProtectionRow[];
}

export function findBranchProtection(db: Db, repoId: number, ruleName: string): BranchProtectionRow | undefined {
  return db.prepare('SELECT * FROM branch_protections WHERE repo_id = ? AND rule_name = ?').get(repoId, ruleName) as
    | BranchProtectionRow
    | undefined;
}

export function insertBranchProtection(db: Db, repoId: number, ruleName: string, fields: BranchProtectionFields): BranchProtectionRow {
  return db
    .prepare(
      `INSERT INTO branch_protections (repo_id, rule_name, enable_push, enable_push_whitelist, push_whitelist_usernames,
         enable_force_push, enable_force_push_allowlist, force_push_allowlist_usernames, required_approvals, block_on_rejected_reviews)
       VALUES (@repoId, @ruleName, @enable_push, @enable_push_whitelist, @push_whitelist_usernames,
         @enable_force_push, @enable_force_push_allowlist, @force_push_allowlist_usernames, @required_approvals, @block_on_rejected_reviews)
       RETURNING *`,
    )
    .get({ repoId, ruleName, ...stored(fields) }) as BranchProtectionRow;
}

export function updateBranchProtection(db: Db, id: number, fields: BranchProtectionFields): BranchProtectionRow {
  return db
    .prepare(
      `UPDATE branch_protections SET enable_push = @enable_push, enable_push_whitelist = @enable_push_whitelist,
         push_whitelist_usernames = @push_whitelist_usernames, enable_force_push = @enable_force_push,
         enable_force_push_allowlist = @enable_force_push_allowlist, force_push_allowlist_usernames = @force_push_allowlist_usernames,
         required_approvals = @required_approvals, block_on_rejected_reviews = @block_on_rejected_reviews,
         updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
       WHERE id = @id RETURNING *`,
    )
    .get({ id, ...stored(fields) }) as BranchProtectionRow;
}

export function deleteBranchProtection(db: Db, id: number): void {
  db.prepare('DELETE FROM branch_protections WHERE id = ?').run(id);
}

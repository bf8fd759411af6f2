import type { Db } from '../db/index.js';
import {
  deleteBranchProtection,
  findBranchProtection,
  insertBranchProtection,
  listBranchProtections,
  updateBranchProtection,
  type BranchProtectionFields,
  type BranchProtectionRow,
} from '../db/branch-protections.js';
import { findRepoById } from '../db/repos.js';
import { findTeamByName, isTeamMember } from '../db/teams.js';
import { findUserByName, type UserRow } from '../db/users.js';
import { conflict, invalid, notFound } from '../errors.js';
import { filterAsync, someAsync } from '../lib/async.js';

/** A rule as the API and the push checks see it. */
export interface BranchProtection extends BranchProtectionFields {
  id: number;
  ruleName: string;
  createdAt: string;
  updatedAt: string;
}

/** Gitea's defaults for a new rule: direct pushes and force pushes off, no approvals needed. */
export const PROTECTION_DEFAULTS: BranchProtectionFields = {
  enable_push: false,
  enable_push_whitelist: false,
  push_whitelist_usernames: [],
  enable_force_push: false,
  enable_force_push_allowlist: false,
  force_push_allowlist_usernames: [],
  required_approvals: 0,
  block_on_rejected_reviews: false,
  push_whitelist_teams: [],
  dismiss_stale_approvals: false,
  enable_status_check: false,
  status_check_contexts: [],
  protected_file_patterns: '',
};

function fromRow(row: BranchProtectionRow): BranchProtection {
  return {
    id: row.id,
    ruleName: row.rule_name,
    enable_push: row.enable_push === 1,
    enable_push_whitelist: row.enable_push_whitelist === 1,
    push_whitelist_usernames: JSON.parse(row.push_whitelist_usernames) as string[],
    enable_force_push: row.enable_force_push === 1,
    enable_force_push_allowlist: row.enable_force_push_allowlist === 1,
    force_push_allowlist_usernames: JSON.parse(row.force_push_allowlist_usernames) as string[],
    required_approvals: row.required_approvals,
    block_on_rejected_reviews: row.block_on_rejected_reviews === 1,
    push_whitelist_teams: JSON.parse(row.push_whitelist_teams) as string[],
    dismiss_stale_approvals: row.dismiss_stale_approvals === 1,
    enable_status_check: row.enable_status_check === 1,
    status_check_contexts: JSON.parse(row.status_check_contexts) as string[],
    protected_file_patterns: row.protected_file_patterns,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** A rule name as a pattern: `*` matches within one path segment, `**` across segments (Gitea's globs). */
function ruleMatches(ruleName: string, branch: string): boolean {
  if (!ruleName.includes('*')) return ruleName === branch;
  const source = ruleName
    .split('**')
    .map((part) => part.split('*').map((text) => text.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*'))
    .join('.*');
  return new RegExp(`^${source}$`).test(branch);
}

/** The rule protecting a branch: an exact name wins over a pattern; among patterns, the oldest. */
export async function protectionFor(db: Db, repoId: number, branch: string): Promise<BranchProtection | null> {
  const rows = await listBranchProtections(db, repoId);
  const row = rows.find((r) => r.rule_name === branch) ?? rows.find((r) => ruleMatches(r.rule_name, branch));
  return row ? fromRow(row) : null;
}

export async function listProtections(db: Db, repoId: number): Promise<BranchProtection[]> {
  return (await listBranchProtections(db, repoId)).map(fromRow);
}

export async function getProtection(db: Db, repoId: number, ruleName: string): Promise<BranchProtection> {
  const row = await findBranchProtection(db, repoId, ruleName);
  if (!row) throw notFound('The branch protection');
  return fromRow(row);
}

const RULE_NAME = /^[A-Za-z0-9._/*-]{1,255}$/;

async function checkFields(db: Db, repoId: number, fields: BranchProtectionFields): Promise<BranchProtectionFields> {
  const unknown = await filterAsync([...fields.push_whitelist_usernames, ...fields.force_push_allowlist_usernames], async (name) => {
    const user = await findUserByName(db, name);
    return !user || user.type !== 'user';
  });
  if (unknown.length > 0) throw invalid(`No such user: ${unknown.join(', ')}.`, { field: 'push_whitelist_usernames' });
  // Teams belong to the organisation that owns the repository; a user's repository has none.
  const ownerId = (await findRepoById(db, repoId))?.owner_id ?? 0;
  const unknownTeams = await filterAsync(fields.push_whitelist_teams, async (name) => !(await findTeamByName(db, ownerId, name)));
  if (unknownTeams.length > 0) {
    throw invalid(`No such team in the repository's organisation: ${unknownTeams.join(', ')}.`, { field: 'push_whitelist_teams' });
  }
  const dedupe = (names: string[]) => [...new Set(names.map((name) => name.trim()).filter((name) => name !== ''))];
  return {
    ...fields,
    push_whitelist_usernames: dedupe(fields.push_whitelist_usernames),
    force_push_allowlist_usernames: dedupe(fields.force_push_allowlist_usernames),
    push_whitelist_teams: dedupe(fields.push_whitelist_teams),
    status_check_contexts: dedupe(fields.status_check_contexts),
    protected_file_patterns: dedupe(fields.protected_file_patterns.split(';')).join(';'),
  };
}

/** Whether a rule's push allow-list names the user, directly or through one of the listed teams. */
export async function pushListed(db: Db, repoId: number, rule: BranchProtection, user: UserRow | null): Promise<boolean> {
  if (!user) return false;
  const name = user.username.toLowerCase();
  if (rule.push_whitelist_usernames.some((n) => n.toLowerCase() === name)) return true;
  const ownerId = (await findRepoById(db, repoId))?.owner_id ?? 0;
  return someAsync(rule.push_whitelist_teams, async (team) => {
    const row = await findTeamByName(db, ownerId, team);
    return row !== undefined && (await isTeamMember(db, row.id, user.id));
  });
}

/** Creates a rule; the name is a branch name or a glob. */
export async function createProtection(db: Db, repoId: number, ruleName: string, fields: Partial<BranchProtectionFields>): Promise<BranchProtection> {
  if (!RULE_NAME.test(ruleName) || ruleName.includes('..')) throw invalid(`"${ruleName}" is not a branch name or pattern.`, { field: 'rule_name' });
  if (await findBranchProtection(db, repoId, ruleName)) throw conflict(`Branch protection for "${ruleName}" already exists.`);
  return fromRow(await insertBranchProtection(db, repoId, ruleName, await checkFields(db, repoId, { ...PROTECTION_DEFAULTS, ...fields })));
}

/** Changes the given fields of a rule, keeping the others. */
export async function editProtection(db: Db, repoId: number, ruleName: string, fields: Partial<BranchProtectionFields>): Promise<BranchProtection> {
  const current = await getProtection(db, repoId, ruleName);
  const merged: BranchProtectionFields = { ...PROTECTION_DEFAULTS };
  for (const key of Object.keys(PROTECTION_DEFAULTS) as Array<keyof BranchProtectionFields>) {
    (merged as unknown as Record<string, unknown>)[key] = fields[key] ?? current[key];
  }
  return fromRow(await updateBranchProtection(db, current.id, await checkFields(db, repoId, merged)));
}

export async function removeProtection(db: Db, repoId: number, ruleName: string): Promise<void> {
  await deleteBranchProtection(db, (await getProtection(db, repoId, ruleName)).id);
}

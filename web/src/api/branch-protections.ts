import { request } from './client.js';

/** Gitea's BranchProtection, the fields the settings page edits. */
export interface BranchProtection {
  rule_name: string;
  enable_push: boolean;
  enable_push_whitelist: boolean;
  push_whitelist_usernames: string[];
  push_whitelist_teams: string[];
  enable_force_push: boolean;
  required_approvals: number;
  dismiss_stale_approvals: boolean;
  block_on_rejected_reviews: boolean;
  enable_status_check: boolean;
  status_check_contexts: string[];
  protected_file_patterns: string;
}

export type BranchProtectionFields = Omit<BranchProtection, 'rule_name'>;

const rulesPath = (owner: string, repo: string) => `/api/v1/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/branch_protections`;

/** The repository's branch protection rules (admins only). */
export function listBranchProtections(owner: string, repo: string, signal?: AbortSignal): Promise<BranchProtection[]> {
  return request<BranchProtection[]>(rulesPath(owner, repo), { signal });
}

/** Creates a rule for a branch name or a glob. */
export function createBranchProtection(owner: string, repo: string, ruleName: string, fields: BranchProtectionFields): Promise<BranchProtection> {
  return request<BranchProtection>(rulesPath(owner, repo), { method: 'POST', body: { rule_name: ruleName, ...fields } });
}

/** Changes a rule's fields. */
export function editBranchProtection(owner: string, repo: string, ruleName: string, fields: BranchProtectionFields): Promise<BranchProtection> {
  return request<BranchProtection>(`${rulesPath(owner, repo)}/${encodeURIComponent(ruleName)}`, { method: 'PATCH', body: fields });
}

/** Deletes a rule. */
export function deleteBranchProtection(owner: string, repo: string, ruleName: string): Promise<void> {
  return request<void>(`${rulesPath(owner, repo)}/${encodeURIComponent(ruleName)}`, { method: 'DELETE' });
}

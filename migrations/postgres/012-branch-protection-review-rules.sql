-- The rest of Gitea's branch protection fields a review needs: push allow-list by team, whether a
-- push dismisses earlier approvals, required status checks and protected file patterns.

ALTER TABLE branch_protections ADD COLUMN push_whitelist_teams TEXT NOT NULL DEFAULT '[]';
ALTER TABLE branch_protections ADD COLUMN dismiss_stale_approvals INTEGER NOT NULL DEFAULT 0 CHECK (dismiss_stale_approvals IN (0, 1));
ALTER TABLE branch_protections ADD COLUMN enable_status_check INTEGER NOT NULL DEFAULT 0 CHECK (enable_status_check IN (0, 1));
ALTER TABLE branch_protections ADD COLUMN status_check_contexts TEXT NOT NULL DEFAULT '[]';
ALTER TABLE branch_protections ADD COLUMN protected_file_patterns TEXT NOT NULL DEFAULT '';

-- Rules written before this column counted only approvals of the current head: they keep doing so.
UPDATE branch_protections SET dismiss_stale_approvals = 1;

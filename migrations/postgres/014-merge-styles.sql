-- The merge styles a repository allows, Gitea's settings of the same names: every style stays
-- allowed on the repositories that exist, as before this migration, with a merge commit by default.
-- allow_rebase_explicit is Gitea's "rebase then merge commit" (rebase-merge), a style Fabrique does
-- not perform: it is stored for the clients that set and read it.
-- Branch protections already keep enable_status_check and status_check_contexts (012).

ALTER TABLE repositories ADD COLUMN allow_merge_commits INTEGER NOT NULL DEFAULT 1 CHECK (allow_merge_commits IN (0, 1));
ALTER TABLE repositories ADD COLUMN allow_rebase INTEGER NOT NULL DEFAULT 1 CHECK (allow_rebase IN (0, 1));
ALTER TABLE repositories ADD COLUMN allow_rebase_explicit INTEGER NOT NULL DEFAULT 1 CHECK (allow_rebase_explicit IN (0, 1));
ALTER TABLE repositories ADD COLUMN allow_squash_merge INTEGER NOT NULL DEFAULT 1 CHECK (allow_squash_merge IN (0, 1));
ALTER TABLE repositories ADD COLUMN allow_fast_forward_only_merge INTEGER NOT NULL DEFAULT 1 CHECK (allow_fast_forward_only_merge IN (0, 1));
ALTER TABLE repositories ADD COLUMN default_merge_style TEXT NOT NULL DEFAULT 'merge'
  CHECK (default_merge_style IN ('merge', 'rebase', 'rebase-merge', 'squash', 'fast-forward-only'));

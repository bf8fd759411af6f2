-- Branch protection rules (Gitea's fields): who may push to a branch, whether history may be
-- rewritten, and what a pull request needs before it merges. rule_name is a branch name or a glob.

CREATE TABLE branch_protections (
  id                          INTEGER PRIMARY KEY,
  repo_id                     INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
  rule_name                   TEXT    NOT NULL,
  enable_push                 INTEGER NOT NULL DEFAULT 0 CHECK (enable_push IN (0, 1)),
  enable_push_whitelist       INTEGER NOT NULL DEFAULT 0 CHECK (enable_push_whitelist IN (0, 1)),
  push_whitelist_usernames    TEXT    NOT NULL DEFAULT '[]',
  enable_force_push           INTEGER NOT NULL DEFAULT 0 CHECK (enable_force_push IN (0, 1)),
  enable_force_push_allowlist INTEGER NOT NULL DEFAULT 0 CHECK (enable_force_push_allowlist IN (0, 1)),
  force_push_allowlist_usernames TEXT NOT NULL DEFAULT '[]',
  required_approvals          INTEGER NOT NULL DEFAULT 0 CHECK (required_approvals >= 0),
  block_on_rejected_reviews   INTEGER NOT NULL DEFAULT 0 CHECK (block_on_rejected_reviews IN (0, 1)),
  created_at                  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at                  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (repo_id, rule_name)
);

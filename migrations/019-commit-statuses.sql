-- Commit statuses (CI results), as Gitea keeps them: one row per post, numbered per commit
-- (`idx`, Gitea's index); the latest post of a context is that context's state. Statuses are kept
-- by the repository they were posted to, by commit id: a pull request reads its base repository's.
CREATE TABLE commit_statuses (
  id          INTEGER PRIMARY KEY,
  repo_id     INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
  sha         TEXT    NOT NULL,
  idx         INTEGER NOT NULL,
  context     TEXT    NOT NULL,
  state       TEXT    NOT NULL CHECK (state IN ('pending', 'success', 'error', 'failure', 'warning')),
  target_url  TEXT    NOT NULL DEFAULT '',
  description TEXT    NOT NULL DEFAULT '',
  creator_id  INTEGER REFERENCES users (id) ON DELETE SET NULL,
  created_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (repo_id, sha, idx)
);
CREATE INDEX commit_statuses_context ON commit_statuses (repo_id, sha, context, id);

-- "Merge when checks succeed" (Gitea's pull_auto_merge): one request per pull request, merged by
-- the user who asked, with the style and message they chose, while the head is still `head_sha`.
CREATE TABLE pull_auto_merges (
  pull_id       INTEGER PRIMARY KEY REFERENCES pull_requests (id) ON DELETE CASCADE,
  doer_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  merge_style   TEXT    NOT NULL CHECK (merge_style IN ('merge', 'squash', 'fast-forward-only', 'rebase')),
  title         TEXT    NOT NULL DEFAULT '',
  message       TEXT    NOT NULL DEFAULT '',
  delete_branch INTEGER NOT NULL DEFAULT 0 CHECK (delete_branch IN (0, 1)),
  head_sha      TEXT    NOT NULL,
  created_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

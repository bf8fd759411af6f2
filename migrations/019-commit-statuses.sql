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

-- The timeline takes Gitea's two auto-merge events: set (pull_scheduled_merge) and cancelled, by a
-- person or by a push to the head (pull_cancel_scheduled_merge). SQLite cannot change a CHECK in
-- place: the table is rebuilt as 015 left it, with the two types added, every row and index kept.
CREATE TABLE timeline_events_new (
  id          INTEGER PRIMARY KEY,
  repo_id     INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
  pull_id     INTEGER REFERENCES pull_requests (id) ON DELETE CASCADE,
  issue_id    INTEGER REFERENCES issues (id) ON DELETE CASCADE,
  type        TEXT    NOT NULL CHECK (type IN ('pull_push', 'review', 'review_request', 'merge_pull', 'delete_branch',
                                                'change_title', 'close', 'reopen', 'pull_ref', 'dismiss_review',
                                                'label', 'assignees', 'milestone', 'issue_ref', 'commit_ref',
                                                'lock', 'unlock', 'pin', 'unpin',
                                                'pull_scheduled_merge', 'pull_cancel_scheduled_merge')),
  actor_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
  -- pull_push: {"is_force_push": bool, "commit_ids": [...]} as Gitea; dismiss_review: the reason;
  -- label, assignees, milestone: "1" added, "" removed (Gitea's content); lock: the reason.
  body        TEXT    NOT NULL DEFAULT '',
  old_title   TEXT    NOT NULL DEFAULT '',
  new_title   TEXT    NOT NULL DEFAULT '',
  old_ref     TEXT    NOT NULL DEFAULT '',
  new_ref     TEXT    NOT NULL DEFAULT '',
  commit_sha  TEXT    NOT NULL DEFAULT '',
  review_id   INTEGER REFERENCES reviews (id) ON DELETE SET NULL,
  -- review_request, assignees: the user concerned.
  target_user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
  ref_pull_id INTEGER REFERENCES pull_requests (id) ON DELETE CASCADE,
  -- issue_ref, pull_ref, commit_ref, close: the repository and number that refer to (or closed) this one.
  ref_repo_id INTEGER REFERENCES repositories (id) ON DELETE CASCADE,
  ref_number  INTEGER,
  label_id    INTEGER REFERENCES labels (id) ON DELETE CASCADE,
  milestone_id INTEGER REFERENCES milestones (id) ON DELETE SET NULL,
  created_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  CHECK ((pull_id IS NULL) <> (issue_id IS NULL))
);
INSERT INTO timeline_events_new (id, repo_id, pull_id, issue_id, type, actor_id, body, old_title, new_title, old_ref, new_ref, commit_sha, review_id,
                                 target_user_id, ref_pull_id, ref_repo_id, ref_number, label_id, milestone_id, created_at)
  SELECT id, repo_id, pull_id, issue_id, type, actor_id, body, old_title, new_title, old_ref, new_ref, commit_sha, review_id,
         target_user_id, ref_pull_id, ref_repo_id, ref_number, label_id, milestone_id, created_at
  FROM timeline_events;
DROP TABLE timeline_events;
ALTER TABLE timeline_events_new RENAME TO timeline_events;
CREATE INDEX timeline_events_pull ON timeline_events (pull_id, id) WHERE pull_id IS NOT NULL;
CREATE INDEX timeline_events_issue ON timeline_events (issue_id, id) WHERE issue_id IS NOT NULL;
-- A reference is noted once per source and target.
CREATE UNIQUE INDEX timeline_events_ref ON timeline_events (coalesce(pull_id, -issue_id), type, ref_repo_id, ref_number, commit_sha)
  WHERE type IN ('issue_ref', 'pull_ref', 'commit_ref');

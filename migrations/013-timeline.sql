-- The timeline of a conversation: what happened besides comments (pushes, force pushes, reviews,
-- review requests, merges, branch deletions, title changes, references), shaped like Gitea's
-- timeline comments. Keyed by the pull request today; the issue tracker will fill issue_id (its
-- own table does not exist yet, so that column has no foreign key).
CREATE TABLE timeline_events (
  id          INTEGER PRIMARY KEY,
  repo_id     INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
  pull_id     INTEGER REFERENCES pull_requests (id) ON DELETE CASCADE,
  issue_id    INTEGER,
  -- Gitea's TimelineComment type names.
  type        TEXT    NOT NULL CHECK (type IN ('pull_push', 'review', 'review_request', 'merge_pull', 'delete_branch',
                                                'change_title', 'close', 'reopen', 'pull_ref', 'dismiss_review')),
  actor_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
  -- pull_push: {"is_force_push": bool, "commit_ids": [...]} as Gitea; dismiss_review: the reason.
  body        TEXT    NOT NULL DEFAULT '',
  old_title   TEXT    NOT NULL DEFAULT '',
  new_title   TEXT    NOT NULL DEFAULT '',
  old_ref     TEXT    NOT NULL DEFAULT '',
  new_ref     TEXT    NOT NULL DEFAULT '',
  commit_sha  TEXT    NOT NULL DEFAULT '',
  review_id   INTEGER REFERENCES reviews (id) ON DELETE SET NULL,
  -- review_request: the user asked; pull_ref: the pull request that mentions this one.
  target_user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
  ref_pull_id INTEGER REFERENCES pull_requests (id) ON DELETE CASCADE,
  created_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  CHECK ((pull_id IS NULL) <> (issue_id IS NULL))
);
CREATE INDEX timeline_events_pull ON timeline_events (pull_id, id) WHERE pull_id IS NOT NULL;
CREATE INDEX timeline_events_issue ON timeline_events (issue_id, id) WHERE issue_id IS NOT NULL;

-- Who was asked to review a pull request; their state is their latest review (or none yet).
CREATE TABLE review_requests (
  pull_id       INTEGER NOT NULL REFERENCES pull_requests (id) ON DELETE CASCADE,
  user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  requested_by  INTEGER REFERENCES users (id) ON DELETE SET NULL,
  created_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (pull_id, user_id)
);

-- Pull requests between branches of one repository or of a fork and its parent, and their
-- conversation comments. The head commit is also kept as refs/pull/<number>/head in the base
-- repository; mergeability is computed in the background and stored with the commits it saw.

CREATE TABLE pull_requests (
  id                INTEGER PRIMARY KEY,
  base_repo_id      INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
  number            INTEGER NOT NULL,
  poster_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
  title             TEXT    NOT NULL,
  body              TEXT    NOT NULL DEFAULT '',
  state             TEXT    NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed')),
  base_branch       TEXT    NOT NULL,
  -- NULL once the head repository is deleted: the pull request keeps refs/pull/<n>/head.
  head_repo_id      INTEGER REFERENCES repositories (id) ON DELETE SET NULL,
  head_branch       TEXT    NOT NULL,
  head_sha          TEXT    NOT NULL,
  merge_base        TEXT,
  -- checking: not known yet for (checked_base_sha, head_sha); mergeable; conflict (conflicted_files
  -- names them); empty: the head adds nothing to the base.
  mergeable_state   TEXT    NOT NULL DEFAULT 'checking' CHECK (mergeable_state IN ('checking', 'mergeable', 'conflict', 'empty')),
  conflicted_files  TEXT    NOT NULL DEFAULT '[]',
  checked_base_sha  TEXT,
  checked_head_sha  TEXT,
  additions         INTEGER NOT NULL DEFAULT 0,
  deletions         INTEGER NOT NULL DEFAULT 0,
  changed_files     INTEGER NOT NULL DEFAULT 0,
  merged            INTEGER NOT NULL DEFAULT 0 CHECK (merged IN (0, 1)),
  merged_at         TEXT,
  merged_by_id      INTEGER REFERENCES users (id) ON DELETE SET NULL,
  merge_commit_sha  TEXT,
  closed_at         TEXT,
  created_at        TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at        TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (base_repo_id, number)
);
CREATE INDEX pull_requests_head ON pull_requests (head_repo_id, head_branch) WHERE state = 'open';
CREATE INDEX pull_requests_base ON pull_requests (base_repo_id, base_branch) WHERE state = 'open';

-- The conversation of a pull request (Gitea's issue comments).
CREATE TABLE issue_comments (
  id          INTEGER PRIMARY KEY,
  pull_id     INTEGER NOT NULL REFERENCES pull_requests (id) ON DELETE CASCADE,
  poster_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
  body        TEXT    NOT NULL,
  created_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX issue_comments_pull ON issue_comments (pull_id, id);

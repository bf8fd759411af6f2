-- The issue tracker. Issues and pull requests share one numbering per repository, as in Gitea:
-- issue_numbers holds each repository's last number, taken by issues and pull requests alike in
-- the transaction that inserts them. What both carry (labels, assignees, milestone, reactions,
-- edit history) is keyed by (repo_id, number), so one table serves either.

CREATE TABLE issue_numbers (
  repo_id      INTEGER PRIMARY KEY REFERENCES repositories (id) ON DELETE CASCADE,
  last_number  INTEGER NOT NULL
);
INSERT INTO issue_numbers (repo_id, last_number) SELECT base_repo_id, max(number) FROM pull_requests GROUP BY base_repo_id;

-- Writers may turn the tracker off per repository (Gitea's has_issues); on by default.
ALTER TABLE repositories ADD COLUMN has_issues INTEGER NOT NULL DEFAULT 1 CHECK (has_issues IN (0, 1));

CREATE TABLE issues (
  id                 INTEGER PRIMARY KEY,
  repo_id            INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
  number             INTEGER NOT NULL,
  poster_id          INTEGER NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
  title              TEXT    NOT NULL,
  body               TEXT    NOT NULL DEFAULT '',
  state              TEXT    NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed')),
  is_locked          INTEGER NOT NULL DEFAULT 0 CHECK (is_locked IN (0, 1)),
  -- 0: not pinned; else its place among the repository's pinned issues (1 first).
  pin_order          INTEGER NOT NULL DEFAULT 0,
  due_date           TEXT,
  closed_at          TEXT,
  -- What closed it through a closing keyword: a commit pushed to the default branch, or a merged pull request.
  closed_by_commit   TEXT,
  closed_by_pull_id  INTEGER REFERENCES pull_requests (id) ON DELETE SET NULL,
  created_at         TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at         TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (repo_id, number)
);
CREATE INDEX issues_repo_state ON issues (repo_id, state, number);
CREATE INDEX issues_poster ON issues (poster_id, created_at);

-- Title and body, searched accent-insensitively ("resoudre" finds "résoudre"), for issues and pull requests.
CREATE VIRTUAL TABLE issue_search USING fts5(title, body, content = 'issues', content_rowid = 'id', tokenize = "unicode61 remove_diacritics 2");
CREATE TRIGGER issues_search_insert AFTER INSERT ON issues BEGIN
  INSERT INTO issue_search (rowid, title, body) VALUES (new.id, new.title, new.body);
END;
CREATE TRIGGER issues_search_delete AFTER DELETE ON issues BEGIN
  INSERT INTO issue_search (issue_search, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
END;
CREATE TRIGGER issues_search_update AFTER UPDATE OF title, body ON issues BEGIN
  INSERT INTO issue_search (issue_search, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
  INSERT INTO issue_search (rowid, title, body) VALUES (new.id, new.title, new.body);
END;

CREATE VIRTUAL TABLE pull_search USING fts5(title, body, content = 'pull_requests', content_rowid = 'id', tokenize = "unicode61 remove_diacritics 2");
INSERT INTO pull_search (rowid, title, body) SELECT id, title, body FROM pull_requests;
CREATE TRIGGER pulls_search_insert AFTER INSERT ON pull_requests BEGIN
  INSERT INTO pull_search (rowid, title, body) VALUES (new.id, new.title, new.body);
END;
CREATE TRIGGER pulls_search_delete AFTER DELETE ON pull_requests BEGIN
  INSERT INTO pull_search (pull_search, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
END;
CREATE TRIGGER pulls_search_update AFTER UPDATE OF title, body ON pull_requests BEGIN
  INSERT INTO pull_search (pull_search, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
  INSERT INTO pull_search (rowid, title, body) VALUES (new.id, new.title, new.body);
END;

-- Issues and pull requests as one list (Gitea lists both under /issues unless `type` says which).
CREATE VIEW conversations AS
  SELECT 'issue' AS kind, id, repo_id, number, poster_id, title, body, state, is_locked, pin_order, created_at, updated_at, closed_at
    FROM issues
  UNION ALL
  SELECT 'pull' AS kind, id, base_repo_id AS repo_id, number, poster_id, title, body, state, 0, 0, created_at, updated_at, closed_at
    FROM pull_requests;

-- Labels of a repository or of an organisation (usable by all its repositories). An exclusive
-- label's scope is its name up to the last '/': an issue carries one label of a scope at most.
CREATE TABLE labels (
  id           INTEGER PRIMARY KEY,
  repo_id      INTEGER REFERENCES repositories (id) ON DELETE CASCADE,
  org_id       INTEGER REFERENCES users (id) ON DELETE CASCADE,
  name         TEXT    NOT NULL,
  color        TEXT    NOT NULL,
  description  TEXT    NOT NULL DEFAULT '',
  exclusive    INTEGER NOT NULL DEFAULT 0 CHECK (exclusive IN (0, 1)),
  is_archived  INTEGER NOT NULL DEFAULT 0 CHECK (is_archived IN (0, 1)),
  created_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  CHECK ((repo_id IS NULL) <> (org_id IS NULL))
);
CREATE UNIQUE INDEX labels_repo_name ON labels (repo_id, name) WHERE repo_id IS NOT NULL;
CREATE UNIQUE INDEX labels_org_name ON labels (org_id, name) WHERE org_id IS NOT NULL;

CREATE TABLE milestones (
  id           INTEGER PRIMARY KEY,
  repo_id      INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
  title        TEXT    NOT NULL,
  description  TEXT    NOT NULL DEFAULT '',
  state        TEXT    NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed')),
  due_on       TEXT,
  closed_at    TEXT,
  created_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (repo_id, title)
);

CREATE TABLE issue_labels (
  repo_id   INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
  number    INTEGER NOT NULL,
  label_id  INTEGER NOT NULL REFERENCES labels (id) ON DELETE CASCADE,
  PRIMARY KEY (repo_id, number, label_id)
);
CREATE INDEX issue_labels_label ON issue_labels (label_id, repo_id, number);

CREATE TABLE issue_assignees (
  repo_id  INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
  number   INTEGER NOT NULL,
  user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  PRIMARY KEY (repo_id, number, user_id)
);
CREATE INDEX issue_assignees_user ON issue_assignees (user_id);

CREATE TABLE issue_milestones (
  repo_id       INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
  number        INTEGER NOT NULL,
  milestone_id  INTEGER NOT NULL REFERENCES milestones (id) ON DELETE CASCADE,
  PRIMARY KEY (repo_id, number)
);
CREATE INDEX issue_milestones_milestone ON issue_milestones (milestone_id);

-- Who mentioned whom (`@name`) in an issue's or pull request's text: the `mentioned_by` filter.
CREATE TABLE issue_mentions (
  repo_id  INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
  number   INTEGER NOT NULL,
  user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  PRIMARY KEY (repo_id, number, user_id)
);

-- The conversation's comments: a pull request's (pull_id) or an issue's (issue_id). Rebuilt
-- because pull_id was NOT NULL; nothing references this table.
CREATE TABLE issue_comments_new (
  id          INTEGER PRIMARY KEY,
  pull_id     INTEGER REFERENCES pull_requests (id) ON DELETE CASCADE,
  issue_id    INTEGER REFERENCES issues (id) ON DELETE CASCADE,
  poster_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
  body        TEXT    NOT NULL,
  created_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  CHECK ((pull_id IS NULL) <> (issue_id IS NULL))
);
INSERT INTO issue_comments_new (id, pull_id, poster_id, body, created_at, updated_at)
  SELECT id, pull_id, poster_id, body, created_at, updated_at FROM issue_comments;
DROP TABLE issue_comments;
ALTER TABLE issue_comments_new RENAME TO issue_comments;
CREATE INDEX issue_comments_pull ON issue_comments (pull_id, id) WHERE pull_id IS NOT NULL;
CREATE INDEX issue_comments_issue ON issue_comments (issue_id, id) WHERE issue_id IS NOT NULL;

-- Reactions to an issue's or pull request's text (comment_id NULL) or to one of its comments.
CREATE TABLE reactions (
  id          INTEGER PRIMARY KEY,
  repo_id     INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
  number      INTEGER NOT NULL,
  comment_id  INTEGER REFERENCES issue_comments (id) ON DELETE CASCADE,
  user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  content     TEXT    NOT NULL CHECK (content IN ('+1', '-1', 'laugh', 'hooray', 'confused', 'heart', 'rocket', 'eyes')),
  created_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE UNIQUE INDEX reactions_issue ON reactions (repo_id, number, user_id, content) WHERE comment_id IS NULL;
CREATE UNIQUE INDEX reactions_comment ON reactions (comment_id, user_id, content) WHERE comment_id IS NOT NULL;

-- Earlier versions of an issue's or pull request's text (comment_id NULL) or of a comment: the
-- "edited" history, readable by everyone who reads the conversation.
CREATE TABLE content_history (
  id          INTEGER PRIMARY KEY,
  repo_id     INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
  number      INTEGER NOT NULL,
  comment_id  INTEGER REFERENCES issue_comments (id) ON DELETE CASCADE,
  editor_id   INTEGER REFERENCES users (id) ON DELETE SET NULL,
  body        TEXT    NOT NULL,
  created_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX content_history_subject ON content_history (repo_id, number, comment_id, id);

-- The timeline, rebuilt to take the issue tracker's event types and to reference what they name:
-- issue_id now has its foreign key; a reference names its source by repository and number
-- (ref_repo_id, ref_number: an issue or a pull request), a label or milestone event its subject.
CREATE TABLE timeline_events_new (
  id          INTEGER PRIMARY KEY,
  repo_id     INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
  pull_id     INTEGER REFERENCES pull_requests (id) ON DELETE CASCADE,
  issue_id    INTEGER REFERENCES issues (id) ON DELETE CASCADE,
  type        TEXT    NOT NULL CHECK (type IN ('pull_push', 'review', 'review_request', 'merge_pull', 'delete_branch',
                                                'change_title', 'close', 'reopen', 'pull_ref', 'dismiss_review',
                                                'label', 'assignees', 'milestone', 'issue_ref', 'commit_ref',
                                                'lock', 'unlock', 'pin', 'unpin')),
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
INSERT INTO timeline_events_new (id, repo_id, pull_id, issue_id, type, actor_id, body, old_title, new_title, old_ref, new_ref,
                                 commit_sha, review_id, target_user_id, ref_pull_id, created_at)
  SELECT id, repo_id, pull_id, NULL, type, actor_id, body, old_title, new_title, old_ref, new_ref,
         commit_sha, review_id, target_user_id, ref_pull_id, created_at
  FROM timeline_events WHERE pull_id IS NOT NULL;
DROP TABLE timeline_events;
ALTER TABLE timeline_events_new RENAME TO timeline_events;
CREATE INDEX timeline_events_pull ON timeline_events (pull_id, id) WHERE pull_id IS NOT NULL;
CREATE INDEX timeline_events_issue ON timeline_events (issue_id, id) WHERE issue_id IS NOT NULL;
-- A reference is noted once per source and target.
CREATE UNIQUE INDEX timeline_events_ref ON timeline_events (coalesce(pull_id, -issue_id), type, ref_repo_id, ref_number, commit_sha)
  WHERE type IN ('issue_ref', 'pull_ref', 'commit_ref');

-- Reviews of pull requests, their line comments (on a range of lines, in threads that can be
-- resolved), and which files each reviewer marked as viewed.

CREATE TABLE reviews (
  id            INTEGER PRIMARY KEY,
  pull_id       INTEGER NOT NULL REFERENCES pull_requests (id) ON DELETE CASCADE,
  reviewer_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
  state         TEXT    NOT NULL CHECK (state IN ('PENDING', 'APPROVED', 'REQUEST_CHANGES', 'COMMENT')),
  body          TEXT    NOT NULL DEFAULT '',
  -- The head commit the review was written against.
  commit_id     TEXT    NOT NULL,
  dismissed     INTEGER NOT NULL DEFAULT 0 CHECK (dismissed IN (0, 1)),
  submitted_at  TEXT,
  created_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX reviews_pull ON reviews (pull_id, reviewer_id, id);

-- A comment on lines start_line..line of one side of a file's diff. A thread is its first comment
-- (thread_id NULL) and the replies naming it; resolution lives on the first comment.
CREATE TABLE review_comments (
  id              INTEGER PRIMARY KEY,
  pull_id         INTEGER NOT NULL REFERENCES pull_requests (id) ON DELETE CASCADE,
  review_id       INTEGER REFERENCES reviews (id) ON DELETE CASCADE,
  thread_id       INTEGER REFERENCES review_comments (id) ON DELETE CASCADE,
  poster_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
  path            TEXT    NOT NULL,
  side            TEXT    NOT NULL CHECK (side IN ('LEFT', 'RIGHT')),
  start_line      INTEGER NOT NULL CHECK (start_line >= 1),
  line            INTEGER NOT NULL CHECK (line >= start_line),
  -- The commit (head for RIGHT, merge base for LEFT) and the text of the lines when commented:
  -- a later push that changes those lines makes the comment outdated.
  commit_id       TEXT    NOT NULL,
  original_lines  TEXT    NOT NULL DEFAULT '[]',
  body            TEXT    NOT NULL,
  resolved_by_id  INTEGER REFERENCES users (id) ON DELETE SET NULL,
  resolved_at     TEXT,
  suggestion_applied_sha TEXT,
  created_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX review_comments_pull ON review_comments (pull_id, path);
CREATE INDEX review_comments_thread ON review_comments (thread_id);
CREATE INDEX review_comments_review ON review_comments (review_id);

-- "Viewed" marks: a file is viewed while its blob at the head is still the one marked.
CREATE TABLE viewed_files (
  pull_id   INTEGER NOT NULL REFERENCES pull_requests (id) ON DELETE CASCADE,
  user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  path      TEXT    NOT NULL,
  blob_id   TEXT    NOT NULL,
  PRIMARY KEY (pull_id, user_id, path)
);

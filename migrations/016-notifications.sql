-- Notifications (issue #13): who follows a conversation, who watches a repository, and each user's
-- inbox. Conversations are named by (repository, number): issues and pull requests share one
-- numbering per repository, so these tables need no foreign key to either table.

-- Gitea's issue_watch: an explicit choice to follow a conversation (1) or to ignore it (0).
-- Participants (opener, commenters, mentioned, assignees) get a subscribed row automatically;
-- an ignored row is never turned back by that.
CREATE TABLE conversation_subscriptions (
  repo_id     INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
  number      INTEGER NOT NULL,
  user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  subscribed  INTEGER NOT NULL CHECK (subscribed IN (0, 1)),
  created_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (repo_id, number, user_id)
);
CREATE INDEX conversation_subscriptions_user ON conversation_subscriptions (user_id);

-- Gitea's watch: the user hears of every conversation of the repository.
CREATE TABLE repository_watches (
  repo_id     INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
  user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (repo_id, user_id)
);
CREATE INDEX repository_watches_user ON repository_watches (user_id);

-- One row per user and conversation, made unread again by each new event. status is Gitea's
-- (unread, read, pinned); title, state and the latest comment are what the last event said, so
-- that the inbox reads no issue or pull request table.
CREATE TABLE notifications (
  id                 INTEGER PRIMARY KEY,
  user_id            INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  repo_id            INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
  number             INTEGER NOT NULL,
  kind               TEXT    NOT NULL CHECK (kind IN ('issue', 'pull')),
  reason             TEXT    NOT NULL CHECK (reason IN ('mention', 'assigned', 'review_requested', 'comment', 'subscribed')),
  status             TEXT    NOT NULL DEFAULT 'unread' CHECK (status IN ('unread', 'read', 'pinned')),
  title              TEXT    NOT NULL,
  state              TEXT    NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed', 'merged')),
  latest_comment_id  INTEGER,
  created_at         TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at         TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (user_id, repo_id, number)
);
CREATE INDEX notifications_inbox ON notifications (user_id, status, updated_at);

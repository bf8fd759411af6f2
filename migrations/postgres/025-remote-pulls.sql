-- Pull requests from another forge: the head branch lives in a repository of another instance,
-- which this forge fetches from (never with credentials) into refs/pull/<n>/head. Such a pull
-- request has no head_repo_id; this row says where its head comes from.
CREATE TABLE remote_pull_sources (
  pull_id           INTEGER PRIMARY KEY REFERENCES pull_requests (id) ON DELETE CASCADE,
  -- The clone URL as given, without credentials, query or fragment.
  source_url        TEXT    NOT NULL,
  -- The same URL without a trailing ".git" or "/": what a notification is matched on.
  source_key        TEXT    NOT NULL,
  source_branch     TEXT    NOT NULL,
  -- 0: a new head that is not a descendant of the current one is refused.
  allow_force_push  INTEGER NOT NULL DEFAULT 0 CHECK (allow_force_push IN (0, 1)),
  last_fetch_at     TEXT,
  -- Why the last refresh did not move the head ('' when it did, or had nothing to do).
  last_error        TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX remote_pull_sources_key ON remote_pull_sources (source_key, source_branch);

-- Where an imported repository came from, and for mirrors when to fetch from it again.
-- clone_addr never carries credentials. auth_secret is kept for mirrors only (a one-shot import
-- forgets it): AES-256-GCM under a key derived from FORGE_SECRET, "v1.<iv>.<tag>.<ciphertext>".
CREATE TABLE repository_sources (
  repo_id        INTEGER PRIMARY KEY REFERENCES repositories (id) ON DELETE CASCADE,
  clone_addr     TEXT    NOT NULL,
  auth_username  TEXT    NOT NULL DEFAULT '',
  auth_secret    TEXT,
  interval_s     INTEGER NOT NULL DEFAULT 0 CHECK (interval_s >= 0),
  last_sync_at   TEXT,
  last_error     TEXT    NOT NULL DEFAULT '',
  next_sync_at   TEXT,
  created_at     TEXT    NOT NULL DEFAULT (to_char(statement_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
);
-- The scheduler asks for the mirrors that are due.
CREATE INDEX repository_sources_due ON repository_sources (next_sync_at) WHERE next_sync_at IS NOT NULL;

-- A push's accepted ref commands, written before receive-pack may move a ref and removed in the
-- transaction that records the moves in ref_updates. A row still here at start-up is a push the
-- server died during: recovery compares it with the refs on disk and records what really happened.
CREATE TABLE push_intents (
  token       TEXT    PRIMARY KEY,
  repo_id     INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
  actor_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
  -- JSON array of {ref, oldId, newId}; null when the command list could not be read ahead (a signed push).
  updates     TEXT,
  created_at  TEXT    NOT NULL DEFAULT (to_char(statement_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
);

-- Server-side sign-in sessions: the cookie holds a random value, the row only its SHA-256, so a
-- copy of the database cannot be replayed as a cookie. Deleting a row ends the session at once.
CREATE TABLE sessions (
  id            TEXT    PRIMARY KEY,
  user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  csrf_token    TEXT    NOT NULL,
  created_at    TEXT    NOT NULL DEFAULT (to_char(statement_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
  last_seen_at  TEXT    NOT NULL DEFAULT (to_char(statement_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
  expires_at    TEXT    NOT NULL,
  ip            TEXT,
  user_agent    TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- Accounts signed in through an OpenID provider, linked by the provider's issuer and stable subject.
CREATE TABLE oidc_identities (
  issuer      TEXT    NOT NULL,
  subject     TEXT    NOT NULL,
  user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at  TEXT    NOT NULL DEFAULT (to_char(statement_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
  PRIMARY KEY (issuer, subject)
);
CREATE INDEX oidc_identities_user ON oidc_identities (user_id);

CREATE INDEX audit_events_ip ON audit_events (created_at) WHERE ip IS NOT NULL;

-- Webhooks (issue #14): a hook belongs to a repository, to an organisation (every repository it
-- owns) or to the whole site (both null, site administrators'). Deliveries are rows, written in
-- the same transaction-less step as the event that caused them, so that a restart resumes them.

CREATE TABLE webhooks (
  id               INTEGER PRIMARY KEY,
  repo_id          INTEGER REFERENCES repositories (id) ON DELETE CASCADE,
  org_id           INTEGER REFERENCES users (id) ON DELETE CASCADE,
  -- Gitea's hook types: gitea (its payloads and signatures), slack and matrix (a short text).
  type             TEXT    NOT NULL DEFAULT 'gitea' CHECK (type IN ('gitea', 'slack', 'matrix')),
  url              TEXT    NOT NULL,
  -- Sealed with FORGE_SECRET (services/import.ts sealSecret); '' when the hook signs nothing.
  secret           TEXT    NOT NULL DEFAULT '',
  content_type     TEXT    NOT NULL DEFAULT 'json' CHECK (content_type IN ('json', 'form')),
  -- {"mode": "push_only" | "everything" | "chosen", "events": ["push", "pull_request", ...]}
  events           TEXT    NOT NULL,
  branch_filter    TEXT    NOT NULL DEFAULT '',
  active           INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  -- When its deliveries started failing (null after a success); past FORGE_WEBHOOK_DISABLE_AFTER it is turned off.
  failing_since    TEXT,
  -- Why the forge turned it off, shown on the settings page until someone turns it on again.
  disabled_reason  TEXT    NOT NULL DEFAULT '',
  created_at       TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at       TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  CHECK (repo_id IS NULL OR org_id IS NULL)
);
CREATE INDEX webhooks_repo ON webhooks (repo_id);
CREATE INDEX webhooks_org ON webhooks (org_id);

CREATE TABLE webhook_deliveries (
  id                INTEGER PRIMARY KEY,
  uuid              TEXT    NOT NULL UNIQUE,
  hook_id           INTEGER NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
  -- X-Gitea-Event (push, pull_request, issues...) and X-Gitea-Event-Type (pull_request_sync...).
  event             TEXT    NOT NULL,
  event_type        TEXT    NOT NULL,
  -- The JSON payload; the body sent (JSON, form or chat text) is made from it at each attempt.
  payload           TEXT    NOT NULL,
  is_test           INTEGER NOT NULL DEFAULT 0 CHECK (is_test IN (0, 1)),
  status            TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts          INTEGER NOT NULL DEFAULT 0,
  next_attempt_at   TEXT,
  -- A worker's claim on a delivery it is sending, so that two processes never send it twice.
  claimed_until     TEXT,
  request_url       TEXT    NOT NULL DEFAULT '',
  request_headers   TEXT    NOT NULL DEFAULT '{}',
  response_status   INTEGER,
  response_headers  TEXT    NOT NULL DEFAULT '{}',
  -- The first bytes of the response body (4 KB at most).
  response_body     TEXT    NOT NULL DEFAULT '',
  error             TEXT    NOT NULL DEFAULT '',
  duration_ms       INTEGER,
  created_at        TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  attempted_at      TEXT
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_hook ON webhook_deliveries (hook_id, id);

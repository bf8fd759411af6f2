-- Repositories, who may use them (collaborators, organisation teams), personal access tokens,
-- the audit trail and push activity.

CREATE TABLE repositories (
  id              INTEGER PRIMARY KEY,
  owner_id        INTEGER NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
  name            TEXT    NOT NULL,
  lower_name      TEXT    NOT NULL,
  description     TEXT    NOT NULL DEFAULT '',
  website         TEXT    NOT NULL DEFAULT '',
  is_private      INTEGER NOT NULL DEFAULT 0 CHECK (is_private IN (0, 1)),
  is_archived     INTEGER NOT NULL DEFAULT 0 CHECK (is_archived IN (0, 1)),
  is_empty        INTEGER NOT NULL DEFAULT 1 CHECK (is_empty IN (0, 1)),
  is_mirror       INTEGER NOT NULL DEFAULT 0 CHECK (is_mirror IN (0, 1)),
  default_branch  TEXT    NOT NULL DEFAULT 'main',
  fork_id         INTEGER REFERENCES repositories (id) ON DELETE SET NULL,
  size_kb         INTEGER NOT NULL DEFAULT 0,
  created_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (owner_id, lower_name)
);
CREATE INDEX repositories_updated ON repositories (updated_at);
CREATE INDEX repositories_fork ON repositories (fork_id);

-- Old owner/name pairs of renamed or transferred repositories, so old web and clone URLs redirect.
CREATE TABLE repository_redirects (
  owner_lower_name TEXT    NOT NULL,
  lower_name       TEXT    NOT NULL,
  repo_id          INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
  PRIMARY KEY (owner_lower_name, lower_name)
);

CREATE TABLE collaborators (
  repo_id     INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
  user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  permission  TEXT    NOT NULL CHECK (permission IN ('read', 'write', 'admin')),
  created_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (repo_id, user_id)
);
CREATE INDEX collaborators_user ON collaborators (user_id);

-- Teams of an organisation (users.type = 'org'); the team named Owners has permission 'owner'.
CREATE TABLE teams (
  id                        INTEGER PRIMARY KEY,
  org_id                    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name                      TEXT    NOT NULL,
  lower_name                TEXT    NOT NULL,
  description               TEXT    NOT NULL DEFAULT '',
  permission                TEXT    NOT NULL CHECK (permission IN ('read', 'write', 'admin', 'owner')),
  includes_all_repositories INTEGER NOT NULL DEFAULT 0 CHECK (includes_all_repositories IN (0, 1)),
  can_create_org_repo       INTEGER NOT NULL DEFAULT 0 CHECK (can_create_org_repo IN (0, 1)),
  created_at                TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (org_id, lower_name)
);

CREATE TABLE team_members (
  team_id  INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
  user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_members_user ON team_members (user_id);

CREATE TABLE team_repositories (
  team_id  INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
  repo_id  INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
  PRIMARY KEY (team_id, repo_id)
);
CREATE INDEX team_repositories_repo ON team_repositories (repo_id);

-- Personal access tokens: only a SHA-256 of the value is kept; the value is shown once.
CREATE TABLE access_tokens (
  id               INTEGER PRIMARY KEY,
  user_id          INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name             TEXT    NOT NULL,
  token_hash       TEXT    NOT NULL UNIQUE,
  token_last_eight TEXT    NOT NULL,
  scopes           TEXT    NOT NULL,
  created_at       TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  last_used_at     TEXT,
  UNIQUE (user_id, name)
);

-- Security events; ip is erased after FORGE_LOG_RETENTION_DAYS.
CREATE TABLE audit_events (
  id          INTEGER PRIMARY KEY,
  actor_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
  actor_name  TEXT    NOT NULL DEFAULT '',
  action      TEXT    NOT NULL,
  target      TEXT    NOT NULL DEFAULT '',
  data        TEXT    NOT NULL DEFAULT '{}',
  ip          TEXT,
  created_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX audit_events_created ON audit_events (created_at);

-- One row per ref moved by a push or an in-process write.
CREATE TABLE ref_updates (
  id          INTEGER PRIMARY KEY,
  repo_id     INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
  actor_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
  ref         TEXT    NOT NULL,
  old_id      TEXT    NOT NULL,
  new_id      TEXT    NOT NULL,
  created_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX ref_updates_repo ON ref_updates (repo_id, id);

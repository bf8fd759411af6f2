-- Accounts and organisations share one namespace, as in Gitea: an organisation is a row of type 'org'.
CREATE TABLE users (
  id              INTEGER PRIMARY KEY,
  type            TEXT    NOT NULL DEFAULT 'user' CHECK (type IN ('user', 'org')),
  username        TEXT    NOT NULL,
  lower_name      TEXT    NOT NULL UNIQUE,
  full_name       TEXT    NOT NULL DEFAULT '',
  email           TEXT,
  password_hash   TEXT,
  is_admin        INTEGER NOT NULL DEFAULT 0 CHECK (is_admin IN (0, 1)),
  prohibit_login  INTEGER NOT NULL DEFAULT 0 CHECK (prohibit_login IN (0, 1)),
  description     TEXT    NOT NULL DEFAULT '',
  website         TEXT    NOT NULL DEFAULT '',
  location        TEXT    NOT NULL DEFAULT '',
  visibility      TEXT    NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'limited', 'private')),
  created_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  last_login_at   TEXT
);
CREATE UNIQUE INDEX users_email ON users (lower(email)) WHERE email IS NOT NULL;

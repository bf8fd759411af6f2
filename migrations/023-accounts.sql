-- Accounts people expect (issue #16): avatars, e-mail confirmation, password reset by e-mail,
-- and the instance's own name, introduction and logo.

-- The uploaded avatar's file in data/avatars ('<sha256>.<ext>', named by its content so that its
-- URL changes with it and can be cached for a year); '' for the generated identicon.
ALTER TABLE users ADD COLUMN avatar TEXT NOT NULL DEFAULT '';
-- Accounts that existed before stay confirmed: without mail, every address counts as confirmed.
ALTER TABLE users ADD COLUMN email_confirmed INTEGER NOT NULL DEFAULT 1 CHECK (email_confirmed IN (0, 1));
-- The language the account signed up in ('fr', 'en'; '' when unknown): the forge's mails use it.
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT '';

-- One-time links sent by e-mail (Gitea's ResetPasswdCode idea, but only the SHA-256 of the token is
-- kept, so a copy of the database opens no account). `used_at` spends a token exactly once.
CREATE TABLE account_tokens (
  id          INTEGER PRIMARY KEY,
  user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  purpose     TEXT    NOT NULL CHECK (purpose IN ('password_reset', 'email_confirm')),
  token_hash  TEXT    NOT NULL UNIQUE,
  -- For a confirmation: the address the link confirms (a later change of address voids it).
  email       TEXT    NOT NULL DEFAULT '',
  created_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  expires_at  TEXT    NOT NULL,
  used_at     TEXT
);
CREATE INDEX account_tokens_user ON account_tokens (user_id, purpose);

-- The instance's own settings an administrator edits on the web: introduction, logo.
CREATE TABLE site_settings (
  key    TEXT PRIMARY KEY,
  value  TEXT NOT NULL
);

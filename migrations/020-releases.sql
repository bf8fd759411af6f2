-- Releases (Gitea's): a named, dated point of a repository's history, on a tag. The tag is git's;
-- deleting a release keeps it, as Gitea does. `sha` is the tag's commit when the release was made
-- (or last edited), so that a feed and the API name it without reading the repository.
CREATE TABLE releases (
  id                INTEGER PRIMARY KEY,
  repo_id           INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
  tag_name          TEXT    NOT NULL,
  target_commitish  TEXT    NOT NULL,
  title             TEXT    NOT NULL,
  -- Markdown.
  note              TEXT    NOT NULL DEFAULT '',
  is_draft          INTEGER NOT NULL DEFAULT 0 CHECK (is_draft IN (0, 1)),
  is_prerelease     INTEGER NOT NULL DEFAULT 0 CHECK (is_prerelease IN (0, 1)),
  publisher_id      INTEGER REFERENCES users (id) ON DELETE SET NULL,
  sha               TEXT    NOT NULL,
  created_at        TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  -- Null while a draft; set when it is first published.
  published_at      TEXT,
  UNIQUE (repo_id, tag_name)
);
CREATE INDEX releases_repo_created ON releases (repo_id, is_draft, created_at);

-- Files attached to a release, stored in the data folder as attachments/<uuid>.
CREATE TABLE release_attachments (
  id              INTEGER PRIMARY KEY,
  uuid            TEXT    NOT NULL UNIQUE,
  release_id      INTEGER NOT NULL REFERENCES releases (id) ON DELETE CASCADE,
  name            TEXT    NOT NULL,
  size            INTEGER NOT NULL,
  download_count  INTEGER NOT NULL DEFAULT 0,
  uploader_id     INTEGER REFERENCES users (id) ON DELETE SET NULL,
  created_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (release_id, name)
);

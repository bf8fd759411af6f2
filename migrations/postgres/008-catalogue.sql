-- What Fabrique learns from a repository's default branch for the software sheet, the licence and
-- the public-code catalogue: computed from one commit and recomputed when the branch moves.

CREATE TABLE repository_facts (
  repo_id             INTEGER PRIMARY KEY REFERENCES repositories (id) ON DELETE CASCADE,
  -- The default branch's commit these facts were read from ('' for a repository without it).
  commit_id           TEXT    NOT NULL,
  publiccode_present  INTEGER NOT NULL CHECK (publiccode_present IN (0, 1)),
  publiccode_valid    INTEGER NOT NULL CHECK (publiccode_valid IN (0, 1)),
  -- The parsed publiccode.yml as JSON (null when absent or not YAML), and its problems.
  publiccode_json     TEXT,
  problems_json       TEXT    NOT NULL DEFAULT '[]',
  -- Copied out of a valid publiccode.yml for the catalogue's filters and search.
  software_name       TEXT,
  development_status  TEXT,
  categories_json     TEXT    NOT NULL DEFAULT '[]',
  search_text         TEXT    NOT NULL DEFAULT '',
  declared_licence    TEXT,
  -- The SPDX id recognised in the root licence file, and that file's name.
  detected_licence    TEXT,
  licence_file        TEXT,
  -- The README at the root, for links to it.
  readme_file         TEXT,
  computed_at         TEXT    NOT NULL DEFAULT (to_char(statement_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
);
CREATE INDEX repository_facts_valid ON repository_facts (publiccode_valid);

-- Gitea's repository topics: lowercase words, at most 25 per repository.
CREATE TABLE repository_topics (
  repo_id  INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
  topic    TEXT    NOT NULL,
  PRIMARY KEY (repo_id, topic)
);
CREATE INDEX repository_topics_topic ON repository_topics (topic);

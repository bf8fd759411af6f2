-- Teams asked to review a pull request (Gitea's team_reviewers): review_requests is keyed by a
-- user, so a team's request has its own table; withdrawing it or deleting the team removes it.
CREATE TABLE team_review_requests (
  pull_id       INTEGER NOT NULL REFERENCES pull_requests (id) ON DELETE CASCADE,
  team_id       INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
  requested_by  INTEGER REFERENCES users (id) ON DELETE SET NULL,
  created_at    TEXT    NOT NULL DEFAULT (to_char(statement_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
  PRIMARY KEY (pull_id, team_id)
);

-- A review_request event names a team instead of a user (Gitea's assignee_team).
ALTER TABLE timeline_events ADD COLUMN target_team_id INTEGER REFERENCES teams (id) ON DELETE SET NULL;

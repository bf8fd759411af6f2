-- The site's background tasks (Gitea's cron): when each last ran, how long, how often and how it ended,
-- so that the admin pages show them across restarts and processes.
CREATE TABLE cron_tasks (
  name              TEXT    PRIMARY KEY,
  prev_at           TEXT,
  exec_times        INTEGER NOT NULL DEFAULT 0,
  last_duration_ms  INTEGER,
  last_error        TEXT    NOT NULL DEFAULT ''
);

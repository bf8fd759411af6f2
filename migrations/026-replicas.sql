-- The app processes serving this forge, each with a heartbeat: a process writes its row when it
-- starts, its seen_at every few seconds, and removes it when it stops. A row whose seen_at is old
-- is a process that died. Start-up recovery reads this to tell a crash's leftovers from the live
-- work of the replicas still serving (their pushes, quarantines, uploads).
CREATE TABLE replicas (
  id          TEXT    PRIMARY KEY,
  host        TEXT    NOT NULL,
  pid         INTEGER NOT NULL,
  started_at  TEXT    NOT NULL,
  seen_at     TEXT    NOT NULL
);
-- Which process began a push: recovery settles the intents of the processes that died, not those
-- of a push another replica is taking right now. '' for intents written before this column.
ALTER TABLE push_intents ADD COLUMN replica TEXT NOT NULL DEFAULT '';

-- Failed password attempts, counted in the database (not in memory) so that several replicas share
-- them. A key names what is counted: an account, a client address, or one client on one account.
-- An attempt is reserved (counted) before the slow password check, so concurrent guesses cannot
-- all pass the check; a correct password gives its reservation back.
CREATE TABLE login_attempts (
  key           TEXT    PRIMARY KEY,
  attempts      INTEGER NOT NULL,
  -- Milliseconds since the epoch: when the counting window of this key started.
  -- bigint in PostgreSQL: milliseconds since 1970 pass integer's 2^31 (SQLite's INTEGER is 64-bit).
  window_start  bigint  NOT NULL
);
CREATE INDEX login_attempts_window ON login_attempts (window_start);

import type { Db } from './index.js';

/** A ref that moved: created (old is all zeros), updated, or deleted (new is all zeros). */
export interface RefUpdate {
  ref: string;
  oldId: string;
  newId: string;
}

export interface RefUpdateRow {
  id: number;
  repo_id: number;
  actor_id: number | null;
  ref: string;
  old_id: string;
  new_id: string;
  created_at: string;
}

/** Records the refs a push or an in-process write moved, in one transaction. */
export function insertRefUpdates(db: Db, repoId: number, actorId: number | null, updates: RefUpdate[]): void {
  const insert = db.prepare('INSERT INTO ref_updates (repo_id, actor_id, ref, old_id, new_id) VALUES (?, ?, ?, ?, ?)');
  db.transaction(() => {
    for (const u of updates) insert.run(repoId, actorId, u.ref, u.oldId, u.newId);
  })();
}

/** The latest ref updates of a repository, newest first. */
export function listRefUpdates(db: Db, repoId: number, limit = 50): RefUpdateRow[] {
  return db.prepare('SELECT * FROM ref_updates WHERE repo_id = ? ORDER BY id DESC LIMIT ?').all(repoId, limit) as RefUpdateRow[];
}

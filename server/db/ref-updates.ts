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
export async function insertRefUpdates(db: Db, repoId: number, actorId: number | null, updates: RefUpdate[]): Promise<void> {
  const insert = db.prepare('INSERT INTO ref_updates (repo_id, actor_id, ref, old_id, new_id) VALUES (?, ?, ?, ?, ?)');
  await db.transaction(async () => {
    for (const u of updates) await insert.run(repoId, actorId, u.ref, u.oldId, u.newId);
  });
}

/** The latest ref updates of a repository, newest first. */
export async function listRefUpdates(db: Db, repoId: number, limit = 50): Promise<RefUpdateRow[]> {
  return await db.prepare('SELECT * FROM ref_updates WHERE repo_id = ? ORDER BY id DESC LIMIT ?').all(repoId, limit) as RefUpdateRow[];
}

/** A push the server began: the ref commands it was about to let receive-pack apply. */
export interface PushIntent {
  token: string;
  repoId: number;
  actorId: number | null;
  /** Null when the commands were not known ahead (recovery then only brings derived state in line). */
  updates: RefUpdate[] | null;
  /** The id of the replica that began the push ('' for intents older than replicas). */
  replica: string;
}

/** Writes a push's intent before receive-pack may move refs. */
export async function insertPushIntent(db: Db, intent: PushIntent): Promise<void> {
  await db.prepare('INSERT INTO push_intents (token, repo_id, actor_id, updates, replica) VALUES (?, ?, ?, ?, ?)').run(
    intent.token,
    intent.repoId,
    intent.actorId,
    intent.updates === null ? null : JSON.stringify(intent.updates),
    intent.replica,
  );
}

/** Removes a push's intent once what it did is recorded (or it did nothing). */
export async function deletePushIntent(db: Db, token: string): Promise<void> {
  await db.prepare('DELETE FROM push_intents WHERE token = ?').run(token);
}

/** The intents of pushes that never finished (the server died during them), oldest first. */
export async function listPushIntents(db: Db): Promise<PushIntent[]> {
  const rows = await db.prepare('SELECT token, repo_id, actor_id, updates, replica FROM push_intents ORDER BY created_at, token').all() as Array<{
    token: string;
    replica: string;
    repo_id: number;
    actor_id: number | null;
    updates: string | null;
  }>;
  return rows.map((r) => ({ token: r.token, repoId: r.repo_id, actorId: r.actor_id, updates: r.updates === null ? null : (JSON.parse(r.updates) as RefUpdate[]), replica: r.replica }));
}

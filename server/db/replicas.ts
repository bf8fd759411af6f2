import type { Db } from './index.js';

/** A process serving the forge, as it last said it was alive. */
export interface ReplicaRow {
  id: string;
  host: string;
  pid: number;
  started_at: string;
  seen_at: string;
}

/** Writes this process's row; forgets the rows of processes not seen for a day. */
export async function joinReplicas(db: Db, row: ReplicaRow, forgetBefore: string): Promise<void> {
  await db.prepare('DELETE FROM replicas WHERE seen_at < ?').run(forgetBefore);
  await db.prepare('INSERT INTO replicas (id, host, pid, started_at, seen_at) VALUES (?, ?, ?, ?, ?)').run(row.id, row.host, row.pid, row.started_at, row.seen_at);
}

/** This process is still alive; false when its row is gone (it then writes it again). */
export async function beatReplica(db: Db, id: string, now: string): Promise<boolean> {
  return (await db.prepare('UPDATE replicas SET seen_at = ? WHERE id = ?').run(now, id)).changes === 1;
}

export async function leaveReplicas(db: Db, id: string): Promise<void> {
  await db.prepare('DELETE FROM replicas WHERE id = ?').run(id);
}

/** The other processes seen alive since a time. */
export async function liveReplicas(db: Db, since: string, exceptId: string): Promise<ReplicaRow[]> {
  return await db.prepare('SELECT * FROM replicas WHERE seen_at >= ? AND id <> ? ORDER BY started_at').all(since, exceptId) as ReplicaRow[];
}

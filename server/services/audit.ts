import type { Db } from '../db/index.js';
import type { UserRow } from '../db/users.js';
import type { Actor } from '../auth/policy.js';
import { eraseAuditIps, insertAuditEvent, type AuditRow } from '../db/audit.js';

/** Security events Fabrique records; other modules add theirs (repository, permission, visibility changes). */
export type AuditAction =
  | 'user.signin'
  | 'user.signin.failed'
  | 'user.signout'
  | 'user.signup'
  | 'user.create'
  | 'user.suspend'
  | 'user.unsuspend'
  | 'token.create'
  | 'token.delete'
  | (string & {});

export interface AuditEvent {
  /** Who acted: an actor, an account, or nobody (a failed sign-in names the attempted account in `data`). */
  actor: Actor | UserRow | null;
  action: AuditAction;
  /** What was acted on, e.g. `user:alice`, `token:3`, `repo:lyon/voirie`. */
  target?: string;
  ip?: string | null;
  data?: Record<string, unknown>;
}

function actorUser(actor: AuditEvent['actor']): UserRow | null {
  if (actor === null) return null;
  if ('kind' in actor) return actor.kind === 'user' ? actor.user : null;
  return actor;
}

/** Records one security event with its actor, time and IP address (erased after the retention period). */
export async function recordAudit(db: Db, event: AuditEvent): Promise<AuditRow> {
  const user = actorUser(event.actor);
  return await insertAuditEvent(db, {
    actorId: user?.id ?? null,
    actorName: user?.username ?? '',
    action: event.action,
    target: event.target ?? '',
    data: JSON.stringify(event.data ?? {}),
    ip: event.ip ?? null,
  });
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Erases old IP addresses now and then daily; returns the function that stops the timer. */
export async function startAuditRetention(db: Db, retentionDays: number, onError: (err: unknown) => void): Promise<() => void> {
  const run = async () => {
    try {
      await eraseAuditIps(db, retentionDays);
    } catch (err) {
      onError(err);
    }
  };
  await run();
  const timer = setInterval(() => void run(), DAY_MS);
  timer.unref();
  return () => clearInterval(timer);
}

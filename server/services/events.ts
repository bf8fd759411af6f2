import type { PushedEvent } from './push.js';
import type { RepoRow } from '../db/repos.js';

/** What a dropped repository cache names: the repository whose packs were rewritten. */
export interface RepoCacheDropEvent {
  repoPath: string;
}

/**
 * Something happened in the conversation of an issue or a pull request (one numbering per
 * repository for both): the notification service follows it (mentions, subscribers, watchers).
 */
export interface ConversationEvent {
  repoId: number;
  /** The or pull request's number. */
  index: number;
  kind: 'issue' | 'pull';
  /** The title now, for the notification's subject. */
  title: string;
  action: 'opened' | 'commented' | 'edited' | 'assigned' | 'review_requested' | 'closed' | 'reopened' | 'merged';
  actorId: number;
  /** Text that may mention people with `@name`: the body opened or edited, or the comment; else empty. */
  text: string;
  /** assigned, review_requested: the people concerned. */
  targetUserIds: number[];
  /** commented: the comment's id, for the subject's latest comment; else null. */
  commentId: number | null;
}

/**
 * A commit status was posted (CI). `status` is the status as the API answers it (Gitea's
 * CommitStatus), so that a webhook carries the very shape a client reads back.
 */
export interface CommitStatusEvent {
  repoId: number;
  actorId: number;
  sha: string;
  /** The context's state after this post, and the combined state of the commit after it. */
  state: 'pending' | 'success' | 'error' | 'failure' | 'warning';
  combinedState: 'pending' | 'success' | 'error' | 'failure' | 'warning';
  status: Record<string, unknown>;
}

/**
 * A release was published, updated or deleted. `release` is the release as the API answers it
 * (Gitea's Release), for the webhook's payload.
 */
export interface ReleaseEvent {
  repoId: number;
  actorId: number;
  action: 'published' | 'updated' | 'deleted';
  release: Record<string, unknown>;
}

/** A repository was created or deleted: its row as it was (a deleted one is gone from the database), for the webhooks. */
export interface RepositoryEvent {
  repo: RepoRow;
  action: 'created' | 'deleted';
  actorId: number | null;
}

/** A repository was forked: the parent's hooks hear of it. */
export interface ForkEvent {
  parent: RepoRow;
  fork: RepoRow;
  actorId: number | null;
}

/**
 * The forge's events and what each carries. Payloads are plain data (JSON), so that a bus across
 * processes (PostgreSQL LISTEN/NOTIFY) can carry them as they are.
 */
export interface ForgeEvents {
  /** Refs moved: a push, or the forge itself (merge, web edit, fork or mirror sync). */
  pushed: PushedEvent;
  /** A repository's packs were rewritten (push, mirror sync, maintenance) or it moved: every process drops what it cached of it. */
  'repo-cache-drop': RepoCacheDropEvent;
  /** An issue or pull request was opened, commented, assigned, closed... */
  conversation: ConversationEvent;
  /** A commit status was posted. */
  status: CommitStatusEvent;
  /** A release was published, updated or deleted. */
  release: ReleaseEvent;
  /** A repository was created or deleted. */
  repository: RepositoryEvent;
  /** A repository was forked. */
  fork: ForkEvent;
}

export type ForgeEventName = keyof ForgeEvents;

/** Work done when an event arrives. */
export type EventHandler<K extends ForgeEventName> = (payload: ForgeEvents[K]) => void | Promise<void>;

/**
 * Where a subscriber runs when the forge runs as several processes (replicas) on one database:
 * - `origin`: only in the process where the event happened, so once for the forge. For work that
 *   writes or sends: webhook deliveries, notifications and mail, pull request refreshes after a push,
 *   closing keywords, auto-merge, facts and blame warming (another replica reads what it wrote).
 * - `every-replica`: in every process, the origin included. For what a process keeps in memory of
 *   the repositories: dropping the git object cache on `repo-cache-drop`.
 * A single process runs both kinds alike.
 */
export type EventDelivery = 'origin' | 'every-replica';

/** How a subscriber is registered. */
export interface SubscribeOptions {
  /** See EventDelivery; `origin` when left out, so that work that writes is never done twice. */
  delivery?: EventDelivery;
}

/**
 * Publish/subscribe of forge events, owned by one app instance. The in-process bus below serves a
 * single process; PgEventBus (pg-events.ts) also tells the other replicas through PostgreSQL
 * LISTEN/NOTIFY, where only the `every-replica` subscribers run (see EventDelivery).
 */
export interface EventBus {
  /**
   * Tells every subscriber of `name`; resolves once this process's subscribers have run. A failing
   * subscriber does not stop the others: its error goes to `onError`, else to the bus's own handler.
   */
  publish<K extends ForgeEventName>(name: K, payload: ForgeEvents[K], onError?: (err: unknown) => void): Promise<void>;
  /** Registers a subscriber (where it runs: `options.delivery`); returns the function that unregisters it. */
  subscribe<K extends ForgeEventName>(name: K, handler: EventHandler<K>, options?: SubscribeOptions): () => void;
  /** Drops every subscriber: nothing is delivered after the app closed. */
  close(): Promise<void>;
}

/** One subscription: its handler and where it runs. */
interface Subscription {
  handler: EventHandler<never>;
  delivery: EventDelivery;
}

/** The event bus of a single process: subscribers run one after the other, in subscription order. */
export class InProcessEventBus implements EventBus {
  private readonly handlers = new Map<ForgeEventName, Set<Subscription>>();
  private closed = false;

  constructor(private readonly onError: (err: unknown, name: ForgeEventName) => void) {}

  /** See EventBus.publish. */
  async publish<K extends ForgeEventName>(name: K, payload: ForgeEvents[K], onError?: (err: unknown) => void): Promise<void> {
    await this.deliver(name, payload, null, onError);
  }

  /**
   * Runs the subscribers of `name`, only those of one delivery when `only` is given (an event that
   * happened in another replica runs the `every-replica` ones alone).
   */
  protected async deliver<K extends ForgeEventName>(name: K, payload: ForgeEvents[K], only: EventDelivery | null, onError?: (err: unknown) => void): Promise<void> {
    if (this.closed) return;
    // A copy: a subscriber may unsubscribe (itself or another) while the event is delivered.
    for (const { handler, delivery } of [...(this.handlers.get(name) ?? [])]) {
      if (only !== null && delivery !== only) continue;
      try {
        await (handler as EventHandler<K>)(payload);
      } catch (err) {
        if (onError) onError(err);
        else this.onError(err, name);
      }
    }
  }

  /** See EventBus.subscribe. */
  subscribe<K extends ForgeEventName>(name: K, handler: EventHandler<K>, options: SubscribeOptions = {}): () => void {
    if (this.closed) return () => undefined;
    const set = this.handlers.get(name) ?? new Set();
    const subscription: Subscription = { handler: handler as EventHandler<never>, delivery: options.delivery ?? 'origin' };
    set.add(subscription);
    this.handlers.set(name, set);
    return () => void set.delete(subscription);
  }

  /** See EventBus.close. */
  async close(): Promise<void> {
    this.closed = true;
    this.handlers.clear();
  }
}

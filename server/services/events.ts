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
 * Publish/subscribe of forge events, owned by one app instance. The in-process bus below is the
 * one implementation today; one on PostgreSQL LISTEN/NOTIFY will deliver to other processes too.
 */
export interface EventBus {
  /**
   * Tells every subscriber of `name`; resolves once this process's subscribers have run. A failing
   * subscriber does not stop the others: its error goes to `onError`, else to the bus's own handler.
   */
  publish<K extends ForgeEventName>(name: K, payload: ForgeEvents[K], onError?: (err: unknown) => void): Promise<void>;
  /** Registers a subscriber; returns the function that unregisters it. */
  subscribe<K extends ForgeEventName>(name: K, handler: EventHandler<K>): () => void;
  /** Drops every subscriber: nothing is delivered after the app closed. */
  close(): Promise<void>;
}

/** The event bus of a single process: subscribers run one after the other, in subscription order. */
export class InProcessEventBus implements EventBus {
  private readonly handlers = new Map<ForgeEventName, Set<EventHandler<never>>>();
  private closed = false;

  constructor(private readonly onError: (err: unknown, name: ForgeEventName) => void) {}

  /** See EventBus.publish. */
  async publish<K extends ForgeEventName>(name: K, payload: ForgeEvents[K], onError?: (err: unknown) => void): Promise<void> {
    if (this.closed) return;
    // A copy: a subscriber may unsubscribe (itself or another) while the event is delivered.
    for (const handler of [...(this.handlers.get(name) ?? [])] as EventHandler<K>[]) {
      try {
        await handler(payload);
      } catch (err) {
        if (onError) onError(err);
        else this.onError(err, name);
      }
    }
  }

  /** See EventBus.subscribe. */
  subscribe<K extends ForgeEventName>(name: K, handler: EventHandler<K>): () => void {
    if (this.closed) return () => undefined;
    const set = this.handlers.get(name) ?? new Set();
    set.add(handler as EventHandler<never>);
    this.handlers.set(name, set);
    return () => void set.delete(handler as EventHandler<never>);
  }

  /** See EventBus.close. */
  async close(): Promise<void> {
    this.closed = true;
    this.handlers.clear();
  }
}

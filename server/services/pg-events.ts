import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { InProcessEventBus, type ForgeEventName, type ForgeEvents } from './events.js';

/**
 * TCP keepalive on the long-lived LISTEN and lock connections after this much silence: it keeps a
 * firewall's or NAT's idle timeout from cutting them without a word, and lets the kernel notice a
 * vanished database host (PostgreSQL's side does the same for a vanished replica's locks).
 */
export const KEEPALIVE_MS = 10_000;

/** Where the bus reports what goes wrong with its connection (pino's shape: object first). */
export interface BusLog {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export interface PgEventBusOptions {
  /** The PostgreSQL URL every replica shares (FORGE_DATABASE_URL). */
  url: string;
  /** The channel LISTENed to; one per forge sharing a cluster. */
  channel?: string;
  /** A subscriber failed (as InProcessEventBus's). */
  onError: (err: unknown, name: ForgeEventName) => void;
  log: BusLog;
  /**
   * The connection came back after a cut: the other replicas' events of that time were lost to
   * this process, so what it cached may be stale (the app drops its whole git cache).
   */
  onReconnect?: () => void;
  /** Waits before reconnecting: from `minMs`, doubled at each failure, up to `maxMs`. */
  backoff?: { minMs: number; maxMs: number };
}

/** One event on the wire: the replica that published it, the event's name and its payload. */
interface Envelope {
  origin: string;
  name: ForgeEventName;
  payload: unknown;
}

/**
 * NOTIFY refuses payloads of 8000 bytes or more. A message is cut into parts of at most this many
 * UTF-16 units (3 bytes of UTF-8 each at most), each part prefixed by `id:index:count:`.
 */
const PART_UNITS = 2400;
/** Messages still waiting to be sent while the connection is down; beyond it the oldest are lost (and said so). */
const MAX_QUEUED = 10_000;
/** Parts of a message arrive together (one statement's notifications); an incomplete one older than this is dropped. */
const PARTIAL_TTL_MS = 60_000;

/** Cuts `text` into parts of at most PART_UNITS units, never between the two halves of a surrogate pair. */
function cut(text: string): string[] {
  const parts: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(start + PART_UNITS, text.length);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
    parts.push(text.slice(start, end));
    start = end;
  }
  return parts.length > 0 ? parts : [''];
}

/**
 * The event bus of a forge running as several processes on one PostgreSQL database. `publish`
 * runs this process's subscribers as InProcessEventBus does and sends the event on a LISTEN/NOTIFY
 * channel; the other replicas run their `every-replica` subscribers on it (see EventDelivery), never
 * the `origin` ones, so work that writes is done once. Messages are JSON; one over NOTIFY's 8000
 * bytes goes as several notifications of one statement (PostgreSQL delivers one transaction's
 * notifications together, in order), put back together by the receivers. One dedicated connection
 * listens and sends; when it drops, the bus reconnects with a growing wait, keeps what it had to send
 * meanwhile and sends it once back, then calls `onReconnect`.
 */
export class PgEventBus extends InProcessEventBus {
  /** This process's name on the channel: its own notifications come back to it and are ignored. */
  private readonly origin = randomBytes(9).toString('base64url');
  private readonly channel: string;
  private client: pg.Client | null = null;
  private connecting: Promise<void> | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private failures = 0;
  private serial = 0;
  private stopped = false;
  /** Messages (already cut into parts) waiting for the connection. */
  private readonly queue: string[][] = [];
  private readonly partials = new Map<string, { parts: string[]; got: number; since: number }>();
  private sending: Promise<void> = Promise.resolve();

  private constructor(private readonly options: PgEventBusOptions) {
    super(options.onError);
    this.channel = options.channel ?? 'fabrique_events';
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(this.channel)) throw new Error(`PgEventBus: "${this.channel}" is not a plain channel name.`);
  }

  /** A bus that listens once it resolves: no event published by another replica after that is missed. */
  static async start(options: PgEventBusOptions): Promise<PgEventBus> {
    const bus = new PgEventBus(options);
    try {
      await bus.connect();
    } catch (err) {
      await bus.close();
      throw err;
    }
    return bus;
  }

  /** See EventBus.publish: this process's subscribers, and the other replicas' `every-replica` ones. */
  override async publish<K extends ForgeEventName>(name: K, payload: ForgeEvents[K], onError?: (err: unknown) => void): Promise<void> {
    if (this.stopped) return;
    const envelope: Envelope = { origin: this.origin, name, payload };
    const id = `${this.origin}.${++this.serial}`;
    const texts = cut(JSON.stringify(envelope));
    const message = texts.map((text, i) => `${id}:${i}:${texts.length}:${text}`);
    // Sent first: other replicas drop their caches while this one runs its (maybe slow) subscribers.
    const sent = this.send(message);
    await this.deliver(name, payload, null, onError);
    await sent;
  }

  /** Whether the listening connection is up (for tests and /metrics). */
  get connected(): boolean {
    return this.client !== null;
  }

  /** See EventBus.close: stops listening; messages still queued for a lost connection are dropped. */
  override async close(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.sending;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
    await super.close();
  }

  /** Queues a message and sends what is queued, in order, one statement per message. */
  private send(message: string[]): Promise<void> {
    this.queue.push(message);
    if (this.queue.length > MAX_QUEUED) {
      this.queue.shift();
      this.options.log.warn({ channel: this.channel }, 'the event bus is cut off from PostgreSQL: an event for the other replicas was lost');
    }
    this.sending = this.sending.then(() => this.flush());
    return this.sending;
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0 && this.client && !this.stopped) {
      const client = this.client;
      const message = this.queue[0] as string[];
      try {
        // One statement: its notifications are one transaction's, delivered together.
        await client.query('SELECT pg_notify($1, part) FROM unnest($2::text[]) AS part', [this.channel, message]);
        this.queue.shift();
      } catch (err) {
        // The connection broke: the message stays queued and goes once reconnected.
        this.options.log.warn({ err, channel: this.channel }, 'an event could not be sent to the other replicas yet');
        this.lost(client);
        return;
      }
    }
  }

  private connect(): Promise<void> {
    this.connecting ??= (async () => {
      const client = new pg.Client({ connectionString: this.options.url, keepAlive: true, keepAliveInitialDelayMillis: KEEPALIVE_MS, application_name: 'fabrique-events' });
      client.on('error', (err) => {
        this.options.log.warn({ err, channel: this.channel }, 'the event bus lost its PostgreSQL connection');
        this.lost(client);
      });
      client.on('end', () => this.lost(client));
      client.on('notification', (msg) => {
        if (msg.channel === this.channel && msg.payload !== undefined) this.receive(msg.payload);
      });
      try {
        await client.connect();
        await client.query(`LISTEN ${this.channel}`);
      } catch (err) {
        await client.end().catch(() => undefined);
        throw err;
      }
      if (this.stopped) {
        await client.end().catch(() => undefined);
        return;
      }
      const cut = this.failures > 0;
      this.client = client;
      this.failures = 0;
      if (cut) {
        this.options.log.info({ channel: this.channel }, 'the event bus is connected to PostgreSQL again');
        this.options.onReconnect?.();
      }
      this.sending = this.sending.then(() => this.flush());
    })().finally(() => (this.connecting = null));
    return this.connecting;
  }

  /** The connection `client` is gone: forget it and plan a reconnection (once per loss). */
  private lost(client: pg.Client): void {
    if (this.client === client) this.client = null;
    else if (this.client !== null) return;
    if (this.stopped || this.retryTimer) return;
    this.failures += 1;
    const { minMs, maxMs } = this.options.backoff ?? { minMs: 100, maxMs: 5_000 };
    const wait = Math.min(maxMs, minMs * 2 ** Math.min(this.failures - 1, 16));
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect().catch((err: unknown) => {
        this.options.log.warn({ err, channel: this.channel, failures: this.failures }, 'the event bus could not reconnect to PostgreSQL');
        this.lost(client);
      });
    }, wait);
    this.retryTimer.unref();
  }

  /** One notification: a whole message, or a part of one. */
  private receive(text: string): void {
    const match = /^([^:]+):(\d+):(\d+):/.exec(text);
    if (!match) return;
    const [head, id, index, count] = match as unknown as [string, string, string, string];
    if (id.startsWith(`${this.origin}.`)) return;
    const total = Number(count);
    let json: string;
    if (total === 1) {
      json = text.slice(head.length);
    } else {
      const now = Date.now();
      for (const [key, partial] of this.partials) if (now - partial.since > PARTIAL_TTL_MS) this.partials.delete(key);
      const partial = this.partials.get(id) ?? { parts: new Array<string>(total), got: 0, since: now };
      this.partials.set(id, partial);
      if (partial.parts[Number(index)] === undefined) partial.got += 1;
      partial.parts[Number(index)] = text.slice(head.length);
      if (partial.got < total) return;
      this.partials.delete(id);
      json = partial.parts.join('');
    }
    let envelope: Envelope;
    try {
      envelope = JSON.parse(json) as Envelope;
    } catch (err) {
      this.options.log.warn({ err, channel: this.channel }, 'an unreadable event came from another replica');
      return;
    }
    const name = envelope.name;
    void this.deliver(name, envelope.payload as ForgeEvents[typeof name], 'every-replica');
  }
}

import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { isPrivateAddress, resolveHost, UnresolvedHost } from '../lib/outbound.js';
import { Lru } from '../lib/lru.js';
import { badGateway, forbidden } from '../errors.js';

/** An image fetched for visitors: its bytes, its type and how long browsers and the proxy may keep it. */
export interface ProxiedImage {
  body: Buffer;
  type: string;
  /** Seconds. */
  maxAge: number;
  /** When the proxy's copy goes stale (ms since the epoch). */
  expires: number;
}

/** Image types a page may show; anything else (HTML, scripts, archives) is refused. SVG is safe in <img> and served sandboxed. */
const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif', 'image/svg+xml', 'image/x-icon', 'image/vnd.microsoft.icon', 'image/bmp']);
/** Larger images are refused: badges and logos are a few kilobytes. */
export const IMAGE_MAX_BYTES = 5 * 1024 * 1024;
/** The proxy's copies: at most this many bytes in memory, each image at most a quarter of it. */
const CACHE_BYTES = 16 * 1024 * 1024;
const TIMEOUT_MS = 10_000;
const MAX_REDIRECTS = 3;
/** Kept at least this long (badge services often say no-cache, and every page view would fetch again), and at most a day. */
const MIN_AGE = 300;
const MAX_AGE = 86_400;

/** Raised inside a fetch: the other site answered, but not with an image this proxy serves. */
class Unusable extends Error {}

/**
 * The forge's image proxy, as GitHub's camo: fetches an image of another site server-side (public
 * addresses only unless the instance allows private ones, connecting to the address it checked),
 * with type, size, time and redirect limits, and keeps a bounded copy. One per app instance.
 */
export class ImageProxy {
  private readonly cache = new Lru<string, ProxiedImage>(500, { maxWeight: CACHE_BYTES, weigh: (image) => image.body.length });
  /** Fetches under way: visitors asking for the same image at once wait for one fetch. */
  private readonly pending = new Map<string, Promise<ProxiedImage>>();

  constructor(private readonly options: { allowPrivate: boolean; userAgent: string }) {}

  /** The image at `url`, from the copy when fresh. */
  get(url: string): Promise<ProxiedImage> {
    const hit = this.cache.get(url);
    if (hit && hit.expires > Date.now()) return Promise.resolve(hit);
    let running = this.pending.get(url);
    if (!running) {
      running = this.fetchImage(url).finally(() => this.pending.delete(url));
      this.pending.set(url, running);
    }
    return running;
  }

  private async fetchImage(url: string): Promise<ProxiedImage> {
    let current = new URL(url);
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      if (current.protocol !== 'http:' && current.protocol !== 'https:') throw badGateway('The image could not be fetched: it redirects to an address that is not http or https.');
      const target = await this.resolve(current);
      const answer = await get(current, target, this.options.userAgent).catch((err: unknown) => {
        if (err instanceof Unusable) throw badGateway(`The image could not be fetched: ${err.message}`);
        throw badGateway(`The image could not be fetched: ${current.host} did not answer (${(err as Error).message}).`);
      });
      if ('location' in answer) {
        current = new URL(answer.location, current);
        continue;
      }
      const maxAge = Math.min(MAX_AGE, Math.max(MIN_AGE, answer.maxAge));
      const image = { body: answer.body, type: answer.type, maxAge, expires: Date.now() + maxAge * 1000 };
      if (image.body.length <= CACHE_BYTES / 4) this.cache.set(url, image);
      return image;
    }
    throw badGateway(`The image could not be fetched: more than ${MAX_REDIRECTS} redirects.`);
  }

  /** Resolves the host once and refuses private addresses, so that the request connects only where it was checked. */
  private async resolve(url: URL): Promise<{ address: string; family: number }> {
    const { hostname, addresses } = await resolveHost(url).catch((err: unknown) => {
      throw err instanceof UnresolvedHost ? badGateway(`The image could not be fetched: ${err.message}.`) : err;
    });
    if (!this.options.allowPrivate && addresses.some((a) => isPrivateAddress(a.address))) {
      throw forbidden(`The image proxy does not fetch from private, loopback or link-local addresses (${hostname}).`);
    }
    return addresses[0]!;
  }
}

type Answer = { location: string } | { body: Buffer; type: string; maxAge: number };

/** One GET to the checked address: a redirect's target, or an image's bytes (type and size checked while reading). */
function get(url: URL, target: { address: string; family: number }, userAgent: string): Promise<Answer> {
  const fixed: LookupFunction = (_hostname, options, callback) => {
    if (options.all) (callback as (err: null, addresses: { address: string; family: number }[]) => void)(null, [target]);
    else callback(null, target.address, target.family);
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    // No cookie, no referrer, no client address: the other site learns only that the forge asked.
    const req = client.get(url, { headers: { 'user-agent': userAgent, accept: 'image/*' }, lookup: fixed, signal: AbortSignal.timeout(TIMEOUT_MS) }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        resolve({ location: res.headers.location });
        return;
      }
      const fail = (message: string) => {
        res.destroy();
        reject(new Unusable(message));
      };
      if (status !== 200) return fail(`${url.host} answered ${status}.`);
      const type = (res.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (!IMAGE_TYPES.has(type)) return fail(`${url.host} answered with ${type || 'no type'}, not an image.`);
      const declared = Number(res.headers['content-length'] ?? 0);
      if (declared > IMAGE_MAX_BYTES) return fail(`the image is larger than ${IMAGE_MAX_BYTES / 1024 / 1024} MB.`);
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > IMAGE_MAX_BYTES) return fail(`the image is larger than ${IMAGE_MAX_BYTES / 1024 / 1024} MB.`);
        chunks.push(chunk);
      });
      res.on('error', reject);
      res.on('end', () => resolve({ body: Buffer.concat(chunks), type, maxAge: maxAgeOf(res.headers['cache-control']) }));
    });
    req.on('error', reject);
  });
}

/** The max-age a Cache-Control header gives, 0 when none (the proxy's minimum then applies). */
function maxAgeOf(header: string | undefined): number {
  const match = /(?:^|,)\s*(?:s-)?max-age=(\d+)/i.exec(header ?? '');
  return match ? Number(match[1]) : 0;
}

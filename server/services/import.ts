import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { Config } from '../config.js';
import type { Db } from '../db/index.js';
import { findRepo, findRepoById, type RepoRow } from '../db/repos.js';
import type { UserRow } from '../db/users.js';
import { insertRepoSource } from '../db/mirrors.js';
import { authorizationFor, fetchAll, remoteHeadBranch, RemoteError, type Remote, type RemoteLimits } from '../git/remote.js';
import { git } from '../git/exec.js';
import { parseDuration } from '../lib/duration.js';
import { nameProblem } from '../lib/names.js';
import { parseCloneAddress, resolvePublicHost } from '../lib/outbound.js';
import { conflict, ForgeError, invalid } from '../errors.js';
import { branchNameProblem, createRepository, type AuditContext } from './repos.js';
import { recordAudit } from './audit.js';

/** How long the first contact (ls-remote) may take, and a whole fetch. */
export const CONTACT_TIMEOUT_MS = 30_000;
export const FETCH_TIMEOUT_MS = 15 * 60_000;
/** Gitea's default mirror interval and its minimum. */
export const DEFAULT_MIRROR_INTERVAL_S = 8 * 3600;
export const MIN_MIRROR_INTERVAL_S = 10 * 60;

const SEAL_INFO = 'fabrique mirror credentials v1';

function sealKey(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'fabrique', SEAL_INFO, 32));
}

/** Encrypts a credential a mirror keeps (AES-256-GCM, key derived from FORGE_SECRET). */
export function sealSecret(secret: string, value: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealKey(secret), iv);
  const data = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.');
}

/** Decrypts what sealSecret wrote; throws when FORGE_SECRET changed or the value was altered. */
export function openSecret(secret: string, sealed: string): string {
  const [version, iv, tag, data] = sealed.split('.');
  if (version !== 'v1' || !iv || !tag || data === undefined) throw new Error('unknown sealed secret format');
  const decipher = createDecipheriv('aes-256-gcm', sealKey(secret), Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
}

/** Credentials for the source: a user name (may be empty) and a token or password. */
export interface SourceCredentials {
  username: string;
  secret: string;
}

/**
 * Checks a clone address and its host, and builds the remote git will talk to. Credentials
 * written in the URL are taken out of it and used only when none were given apart.
 */
export async function connectRemote(cloneAddr: string, given: SourceCredentials, allowPrivate: boolean): Promise<{ remote: Remote; credentials: SourceCredentials }> {
  const address = parseCloneAddress(cloneAddr);
  const credentials = given.secret !== '' || given.username !== '' ? given : { username: address.username, secret: address.password };
  const addresses = await resolvePublicHost(address, allowPrivate);
  return {
    remote: { url: address.url, hostname: address.hostname, port: address.port, addresses, authorization: authorizationFor(credentials) },
    credentials,
  };
}

/** A RemoteError as the API answers it: the source's problem is the request's problem (422). */
export function remoteProblem(err: unknown): unknown {
  return err instanceof RemoteError ? invalid(err.message, { field: 'clone_addr', reason: err.kind }) : err;
}

export interface ImportInput {
  owner: UserRow;
  name: string;
  cloneAddr: string;
  credentials: SourceCredentials;
  mirror: boolean;
  /** Gitea's mirror_interval ("8h0m0s"); empty for the default. */
  mirrorInterval: string;
  isPrivate: boolean;
  description: string;
}

/** The mirror interval in seconds: Gitea's default when empty, 0 for no periodic sync, else at least ten minutes. */
export function mirrorIntervalSeconds(text: string): number {
  if (text.trim() === '') return DEFAULT_MIRROR_INTERVAL_S;
  const seconds = parseDuration(text);
  if (seconds === null) throw invalid(`The mirror interval "${text}" is not a duration such as 8h0m0s or 30m.`, { field: 'mirror_interval' });
  if (seconds !== 0 && seconds < MIN_MIRROR_INTERVAL_S) throw invalid('The mirror interval must be at least 10m (or 0 for no periodic sync).', { field: 'mirror_interval' });
  return seconds;
}

/**
 * Imports a repository from another forge over http(s): all branches and tags are fetched into a
 * temporary bare repository, which becomes the repository (with its row and where it came from)
 * only once complete; any failure or interruption leaves nothing. A mirror keeps its credentials
 * sealed to fetch again; a one-shot import forgets them.
 */
export async function importRepository(db: Db, config: Config, input: ImportInput, context: AuditContext, signal?: AbortSignal): Promise<RepoRow> {
  // Cheap refusals before any network traffic.
  const problem = nameProblem(input.name);
  if (problem) throw invalid(`The repository name ${problem}.`, { field: 'repo_name' });
  if (await findRepo(db, input.owner.username, input.name)) {
    throw conflict(`The repository ${input.owner.username}/${input.name} already exists.`, { field: 'repo_name' });
  }
  const intervalS = input.mirror ? mirrorIntervalSeconds(input.mirrorInterval) : 0;
  const { remote, credentials } = await connectRemote(input.cloneAddr, input.credentials, config.importAllowPrivate);
  const contact: RemoteLimits = { timeoutMs: CONTACT_TIMEOUT_MS, maxBytes: config.maxPushBytes, signal };
  const fetchLimits: RemoteLimits = { timeoutMs: FETCH_TIMEOUT_MS, maxBytes: config.maxPushBytes, signal };
  try {
    const sourceHead = await remoteHeadBranch(remote, contact);
    const defaultBranch = sourceHead !== null && branchNameProblem(sourceHead) === null ? sourceHead : 'main';
    const now = new Date();
    const repo = await createRepository(db, config.reposDir, {
      owner: input.owner,
      name: input.name,
      description: input.description,
      isPrivate: input.isPrivate,
      isMirror: input.mirror,
      defaultBranch,
      prepare: async (tmpPath) => {
        await fetchAll(tmpPath, remote, fetchLimits);
        const { stdout } = await git(['for-each-ref', '--count=1', '--format=%(refname)', 'refs/heads/'], { cwd: tmpPath });
        return stdout.trim() !== '';
      },
      record: async (row) => {
        await insertRepoSource(db, {
          repoId: row.id,
          cloneAddr: remote.url,
          authUsername: input.mirror ? credentials.username : '',
          authSecret: input.mirror && credentials.secret !== '' ? sealSecret(config.secret, credentials.secret) : null,
          intervalS,
          lastSyncAt: input.mirror ? now.toISOString() : null,
          nextSyncAt: input.mirror && intervalS > 0 ? new Date(now.getTime() + intervalS * 1000).toISOString() : null,
        });
        await recordAudit(db, {
          ...context,
          action: 'repo.migrate',
          target: `repo:${row.owner_name}/${row.name}`,
          data: { clone_addr: remote.url, mirror: input.mirror, private: input.isPrivate },
        });
      },
    });
    // Read again: the row now has its source.
    return await findRepoById(db, repo.id) ?? repo;
  } catch (err) {
    if (err instanceof ForgeError) throw err;
    throw remoteProblem(err);
  }
}

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { gitCommand } from './exec.js';

/** The two services of git's smart HTTP protocol. */
export type GitService = 'git-upload-pack' | 'git-receive-pack';

export function isGitService(value: unknown): value is GitService {
  return value === 'git-upload-pack' || value === 'git-receive-pack';
}

/** What git accepts in GIT_PROTOCOL: colon-separated `key` or `key=value` items (e.g. `version=2`). */
const GIT_PROTOCOL = /^[A-Za-z0-9._-]+(=[A-Za-z0-9._-]+)?(:[A-Za-z0-9._-]+(=[A-Za-z0-9._-]+)?)*$/;

/** The `Git-Protocol` request header, if it is well formed; anything else is ignored (protocol v0). */
export function gitProtocolFrom(header: string | string[] | undefined): string | null {
  if (typeof header !== 'string' || header.length > 256 || !GIT_PROTOCOL.test(header)) return null;
  return header;
}

/** Whether the client asked for protocol v2 (which has no `# service=` announcement). */
export function wantsProtocolV2(protocol: string | null): boolean {
  return protocol !== null && protocol.split(':').includes('version=2');
}

/** One pkt-line: four hex digits of length (including themselves) and the payload. */
export function pktLine(text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  return Buffer.concat([Buffer.from((payload.length + 4).toString(16).padStart(4, '0')), payload]);
}

/** The first lines of a v0/v1 advertisement over HTTP: `# service=<name>` and a flush-pkt. */
export function serviceAnnouncement(service: GitService): Buffer {
  return Buffer.concat([pktLine(`# service=${service}\n`), Buffer.from('0000')]);
}

export interface ServiceProcessOptions {
  service: GitService;
  repoPath: string;
  /** Only advertise refs and capabilities (the `info/refs` request). */
  advertise: boolean;
  /** Validated GIT_PROTOCOL value, or null for v0. */
  protocol: string | null;
  /** `-c key=value` settings for this run only. */
  config?: Array<[string, string]>;
  env?: Record<string, string>;
}

/** Spawns `git upload-pack|receive-pack --stateless-rpc` on a repository; the caller streams its stdio. */
export function spawnService(options: ServiceProcessOptions): ChildProcessWithoutNullStreams {
  const args: string[] = [];
  for (const [key, value] of options.config ?? []) args.push('-c', `${key}=${value}`);
  args.push(options.service.slice('git-'.length), '--stateless-rpc');
  if (options.advertise) args.push('--advertise-refs');
  args.push(options.repoPath);
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  delete env.GIT_PROTOCOL;
  if (options.protocol !== null) env.GIT_PROTOCOL = options.protocol;
  // A push must not outlive the server: receive-pack would move refs no one records.
  const command = gitCommand(args);
  return spawn(command.file, command.args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** A ref update as a push's command list states it. */
export interface PushCommand {
  oldId: string;
  newId: string;
  ref: string;
}

const COMMAND = /^([0-9a-f]{40}) ([0-9a-f]{40}) (refs\/[^\0\n]+)$/;

/**
 * Reads the command list at the start of a receive-pack request body (pkt-lines up to the first
 * flush, before the pack). Undefined while incomplete; null when it is something this reader does
 * not take apart (a signed push certificate, a malformed line): the caller then relies on the hook.
 */
export function parsePushCommands(head: Buffer): PushCommand[] | null | undefined {
  const commands: PushCommand[] = [];
  let at = 0;
  while (at + 4 <= head.length) {
    const length = Number.parseInt(head.subarray(at, at + 4).toString('latin1'), 16);
    if (!Number.isInteger(length) || (length > 0 && length < 4)) return null;
    if (length === 0) return commands;
    if (at + length > head.length) return undefined;
    const line = head.subarray(at + 4, at + length).toString('utf8').split('\0')[0].replace(/\n$/, '');
    at += length;
    if (line.startsWith('shallow ')) continue;
    const match = COMMAND.exec(line);
    if (!match) return null;
    commands.push({ oldId: match[1], newId: match[2], ref: match[3] });
  }
  return undefined;
}

/** What upload-pack is asked in a protocol v2 request: the command (`ls-refs`, `fetch`...) and the objects a fetch wants. */
export interface V2Request {
  command: string;
  wants: string[];
}

/**
 * Reads a protocol v2 upload-pack request (pkt-lines up to the flush that ends it): v2 upload-pack
 * serves any object a `want` names, reachable or not, so the caller checks them first. Undefined
 * while incomplete; null when malformed (then nothing is served).
 */
export function parseV2Request(head: Buffer): V2Request | null | undefined {
  const request: V2Request = { command: '', wants: [] };
  let at = 0;
  while (at + 4 <= head.length) {
    const hex = head.subarray(at, at + 4).toString('latin1');
    if (!/^[0-9a-f]{4}$/i.test(hex)) return null;
    const length = Number.parseInt(hex, 16);
    if (length === 0) return request;
    // 0001 separates the capabilities from the arguments; 0002 is not sent by a client.
    if (length === 1) {
      at += 4;
      continue;
    }
    if (length < 4) return null;
    if (at + length > head.length) return undefined;
    const line = head.subarray(at + 4, at + length).toString('latin1').replace(/\n$/, '');
    at += length;
    if (line.startsWith('command=')) request.command = line.slice('command='.length);
    else if (line.startsWith('want ')) {
      if (!/^want [0-9a-f]{40}$/.test(line)) return null;
      request.wants.push(line.slice('want '.length));
    }
  }
  return undefined;
}

/**
 * Reads a protocol v0/v1 upload-pack request far enough to know whether it names objects the client
 * has: its wants, a flush, then `have` lines ending with `done` (or a flush, for one more round of
 * negotiation). Answers at the first `have`; undefined while incomplete; null when malformed.
 */
export function parseV0FetchRequest(head: Buffer): { haves: boolean } | null | undefined {
  let at = 0;
  let flushes = 0;
  while (at + 4 <= head.length) {
    const hex = head.subarray(at, at + 4).toString('latin1');
    if (!/^[0-9a-f]{4}$/i.test(hex)) return null;
    const length = Number.parseInt(hex, 16);
    if (length === 0) {
      at += 4;
      flushes += 1;
      if (flushes === 2) return { haves: false };
      continue;
    }
    if (length < 4) return null;
    if (at + length > head.length) return undefined;
    const line = head.subarray(at + 4, at + length).toString('latin1');
    at += length;
    // One `have` is enough to know: the rest streams into git as it comes.
    if (line.startsWith('have ')) return { haves: true };
    if (line === 'done\n' || line === 'done') return { haves: false };
  }
  return undefined;
}

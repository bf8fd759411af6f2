import { createServer, type Server, type Socket } from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { remoteHeadBranch, RemoteError, type Remote } from '../../server/git/remote.js';

/** A server that reads git's request and never answers. */
let server: Server;
let port: number;
const requests: string[] = [];
const sockets = new Set<Socket>();

beforeAll(async () => {
  // setup
  server = createServer((socket) => {
    sockets.add(socket);
    socket.on('data', (chunk) => requests.push(chunk.toString('latin1')));
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
});

const SECRET = 'fab_supersecretvalue0123456789';
const remote = (): Remote => ({ url: `http://127.0.0.1:${port}/a.git`, hostname: '127.0.0.1', port, addresses: ['127.0.0.1'], authorization: `Bearer ${SECRET}` });

/** Command lines of the processes running now that contain a string. */
function commandLinesWith(text: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const line = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (line.includes(text)) found.push(line);
    } catch {
      // gone
    }
  }
  return found;
}

describe('git against a remote', () => {
  it('kills git at the timeout; the credential went in the header, never in a command line', async () => {
    // test
    const started = Date.now();
    const run = remoteHeadBranch(remote(), { timeoutMs: 1500, maxBytes: 1 });
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(commandLinesWith(SECRET)).toEqual([]);
    expect(commandLinesWith(`127.0.0.1:${port}`).length).toBeGreaterThan(0);
    const error = await run.catch((err: unknown) => err);
    expect(error).toBeInstanceOf(RemoteError);
    expect((error as RemoteError).kind).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(requests.join('')).toContain(`Authorization: Bearer ${SECRET}`);
    // The whole process group went: no git left talking to that port.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(commandLinesWith(`127.0.0.1:${port}`)).toEqual([]);
  });

  it('stops when the caller aborts', async () => {
    const controller = new AbortController();
    const run = remoteHeadBranch(remote(), { timeoutMs: 60_000, maxBytes: 1, signal: controller.signal });
    setTimeout(() => controller.abort(), 300);
    const error = await run.catch((err: unknown) => err);
    expect((error as RemoteError).kind).toBe('aborted');
  });
});

import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../server/app.js';

const TSX = join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');
const MAIN = join(PROJECT_ROOT, 'server', 'main.ts');

interface Run {
  code: number | null;
  output: string;
}

/** Starts `server/main.ts` as `npm start` would, with the given environment. */
function boot(env: Record<string, string>, onOutput?: (text: string, child: ReturnType<typeof spawn>) => void): Promise<Run> {
  return new Promise((resolveRun) => {
    const child = spawn(TSX, [MAIN], { env: { ...process.env, LOG_LEVEL: 'info', ...env }, cwd: PROJECT_ROOT });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      onOutput?.(output, child);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('exit', (code) => resolveRun({ code, output }));
  });
}

describe('the server process', () => {
  it('starts on its defaults, prints the one-time setup link, and shuts down gracefully on SIGTERM', async () => {
    const root = mkdtempSync(join(tmpdir(), 'fabrique-boot-'));
    let signalled = false;
    const run = await boot({ PORT: '0', FORGE_DATA_DIR: join(root, 'data'), FORGE_REPOS_DIR: join(root, 'repos') }, (text, child) => {
      const listening = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(text);
      if (!signalled && listening && text.includes('/setup?token=')) {
        signalled = true;
        void fetch(`${listening[1]}/api/healthz`)
          .then((r) => r.json())
          .then((body) => {
            expect(body).toMatchObject({ status: 'pass' });
            child.kill('SIGTERM');
          });
      }
    });
    expect(run.output).toMatch(/Create the first administrator here: http:\/\/127\.0\.0\.1:\d+\/setup\?token=[A-Za-z0-9_-]{32}/);
    expect(run.output).toMatch(/closing: finishing requests in flight/);
    expect(run.code).toBe(0);
    expect(existsSync(join(root, 'data', 'fabrique.db'))).toBe(true);
    expect(existsSync(join(root, 'repos'))).toBe(true);
  });

  it('stops with a message naming the variable and a non-zero exit on a wrong configuration', async () => {
    const root = mkdtempSync(join(tmpdir(), 'fabrique-boot-'));
    const run = await boot({ PORT: 'eighty', FORGE_DATA_DIR: join(root, 'data'), FORGE_REPOS_DIR: join(root, 'repos') });
    expect(run.code).toBe(1);
    expect(run.output).toMatch(/Fabrique cannot start: PORT: expected a whole number, got "eighty"/);
    expect(existsSync(join(root, 'data', 'fabrique.db'))).toBe(false);
  });

  it('stops with a clear message when the data directory cannot be written', async () => {
    const root = mkdtempSync(join(tmpdir(), 'fabrique-boot-'));
    writeFileSync(join(root, 'file'), '');
    const run = await boot({ PORT: '0', FORGE_DATA_DIR: join(root, 'file', 'data'), FORGE_REPOS_DIR: join(root, 'repos') });
    expect(run.code).toBe(1);
    expect(run.output).toMatch(/Fabrique cannot start: FORGE_DATA_DIR: the directory .* cannot be created or written/);
  });
});

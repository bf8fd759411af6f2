import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** An environment for git clients that ignores the user's and the system's configuration and never prompts. */
export function gitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: '/bin/false',
    LC_ALL: 'C',
    ...extra,
  };
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Bytes written to the child's stdin, then closed. */
  input?: string | Buffer;
}

export interface RunResult {
  stdout: string;
  stderr: string;
}

/** Runs a command to completion; rejects with its stderr when it exits non-zero. */
export function run(cmd: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: options.cwd, env: options.env ?? gitEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      if (code === 0) resolve({ stdout, stderr });
      else reject(new Error(`${cmd} ${args.join(' ')} exited with ${code ?? signal}\n${stderr.trim()}`));
    });
    if (options.input !== undefined) child.stdin.end(options.input);
    else child.stdin.end();
  });
}

/** Runs git with a clean client environment. */
export function git(args: string[], options: RunOptions = {}): Promise<RunResult> {
  return run('git', args, { ...options, env: options.env ?? gitEnv() });
}

/** Milliseconds taken by fn, measured with process.hrtime. */
export async function time<T>(fn: () => Promise<T> | T): Promise<{ ms: number; result: T }> {
  const start = process.hrtime.bigint();
  const result = await fn();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  return { ms, result };
}

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** `git clone --bare` (or `--mirror`) of url into a fresh directory; returns the elapsed milliseconds and the directory. */
export async function timedClone(url: string, dest: string, mode: 'bare' | 'mirror' = 'bare'): Promise<number> {
  const { ms } = await time(() => git(['clone', `--${mode}`, '--quiet', url, dest]));
  return ms;
}

/** `git push --mirror` from a local repository to url; returns the elapsed milliseconds. */
export async function timedPush(repoDir: string, url: string): Promise<number> {
  const { ms } = await time(() => git(['push', '--mirror', '--quiet', url], { cwd: repoDir }));
  return ms;
}

/** A temporary directory removed by the returned cleanup. */
export function tempDir(prefix: string): { path: string; cleanup(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}

export function formatBytes(n: number): string {
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
  return `${n} B`;
}

/** Prints rows as a plain-text table, first row as header, columns padded (numbers right-aligned). */
export function printTable(rows: string[][], out: (line: string) => void = console.log): void {
  if (rows.length === 0) return;
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const numeric = (s: string) => /^[\d.,×x%\s]+(ms|s|KiB|MiB|B)?$/.test(s) || s === '—';
  const line = (r: string[]) =>
    r.map((cell, c) => (numeric(cell) && c > 0 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd();
  out(line(rows[0]));
  out(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows.slice(1)) out(line(r));
}

/** Object count and pack size of a bare repository (`git count-objects -v`). */
export async function repoStats(gitDir: string): Promise<{ objects: number; packs: number; packBytes: number; looseObjects: number }> {
  const { stdout } = await git(['--git-dir', gitDir, 'count-objects', '-v']);
  const field = (name: string) => Number(/^(\S+): (\d+)$/m.exec(stdout.split('\n').find((l) => l.startsWith(name + ':')) ?? '')?.[2] ?? 0);
  return {
    objects: field('in-pack') + field('count'),
    looseObjects: field('count'),
    packs: field('packs'),
    packBytes: field('size-pack') * 1024,
  };
}

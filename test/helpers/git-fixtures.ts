import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** One commit of a fixture history: files to write (null deletes), renames, then the commit. */
export interface FixtureCommit {
  message: string;
  /** Branch to commit on; created from the current branch when new. */
  branch?: string;
  files?: Record<string, string | Buffer | null>;
  /** old path -> new path, done with `git mv` before the files are written. */
  renames?: Record<string, string>;
  /** A tag on this commit: annotated when a message is given. */
  tag?: { name: string; message?: string };
}

/** 2024-01-15T10:00:00+01:00: fixture commits are one hour apart from there. */
const BASE_TIME = 1_705_309_200;

/**
 * Writes a history into a bare repository with the git CLI: commits in a temporary working clone
 * with fixed authors and dates (so object ids are stable), then `git push` to the bare path
 * (branches and tags). Returns the commit ids in order.
 */
export function pushHistory(barePath: string, commits: FixtureCommit[], options: { defaultBranch?: string } = {}): string[] {
  const work = mkdtempSync(join(tmpdir(), 'fabrique-fixture-'));
  const defaultBranch = options.defaultBranch ?? 'main';
  let time = BASE_TIME;
  const run = (args: string[], extra: Record<string, string> = {}) =>
    execFileSync('git', args, {
      cwd: work,
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_CONFIG_GLOBAL: '/dev/null',
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_AUTHOR_NAME: 'Ada Lovelace',
        GIT_AUTHOR_EMAIL: 'ada@example.org',
        GIT_COMMITTER_NAME: 'Ada Lovelace',
        GIT_COMMITTER_EMAIL: 'ada@example.org',
        GIT_AUTHOR_DATE: `${time} +0100`,
        GIT_COMMITTER_DATE: `${time} +0100`,
        ...extra,
      },
    }).trim();
  try {
    run(['init', '--quiet', `--initial-branch=${defaultBranch}`]);
    const ids: string[] = [];
    let current = defaultBranch;
    for (const commit of commits) {
      time += 3600;
      if (commit.branch && commit.branch !== current) {
        const exists = run(['branch', '--list', commit.branch]) !== '';
        run(exists ? ['checkout', '--quiet', commit.branch] : ['checkout', '--quiet', '-b', commit.branch]);
        current = commit.branch;
      }
      for (const [from, to] of Object.entries(commit.renames ?? {})) {
        mkdirSync(dirname(join(work, to)), { recursive: true });
        run(['mv', from, to]);
      }
      for (const [path, content] of Object.entries(commit.files ?? {})) {
        if (content === null) run(['rm', '--quiet', path]);
        else {
          mkdirSync(dirname(join(work, path)), { recursive: true });
          writeFileSync(join(work, path), content);
        }
      }
      run(['add', '--all']);
      run(['commit', '--quiet', '--allow-empty', '-m', commit.message]);
      ids.push(run(['rev-parse', 'HEAD']));
      if (commit.tag) {
        run(commit.tag.message ? ['tag', '-a', commit.tag.name, '-m', commit.tag.message] : ['tag', commit.tag.name]);
      }
    }
    run(['push', '--quiet', barePath, '--all']);
    run(['push', '--quiet', barePath, '--tags']);
    return ids;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

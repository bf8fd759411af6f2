import { spawn } from 'node:child_process';
import { gitCommand } from './exec.js';
import type { Readable } from 'node:stream';

export type ArchiveFormat = 'zip' | 'tar.gz';

/**
 * Streams `git archive` of a commit. A subprocess rather than isomorphic-git: git writes the zip
 * or the gzipped tar while it walks the tree, in constant memory, with file modes and the
 * commit's time; doing the same in-process would mean reading every blob into memory first.
 * The commit id must already be resolved (never a user-given string), so no option can be smuggled in.
 * With `path` (an existing path of the commit's tree: git fails on one that matches nothing), only
 * that subtree is archived, under its full path, as GitLab's `path` does.
 */
export function archiveStream(gitdir: string, commit: string, format: ArchiveFormat, prefix: string, path = ''): Readable {
  if (!/^[0-9a-f]{40}$/.test(commit)) throw new Error('archiveStream: expected a full commit id');
  const args = ['archive', `--format=${format}`, `--prefix=${prefix}/`, commit];
  // git archive takes no `--`: the pathspec magic keeps a path starting with `-` from being read as
  // an option, and reads it literally from the root.
  if (path !== '') args.push(`:(literal,top)${path}`);
  const command = gitCommand(args);
  const child = spawn(command.file, command.args, {
    cwd: gitdir,
    stdio: ['ignore', 'pipe', 'ignore'],
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' },
  });
  const out = child.stdout;
  // A client that goes away closes the stream: stop git rather than let it write into nothing.
  out.on('close', () => {
    if (child.exitCode === null) child.kill();
  });
  child.on('close', (code) => {
    if (code !== 0 && code !== null) out.destroy(new Error(`git archive exited with ${code}`));
  });
  return out;
}

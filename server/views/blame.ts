import type { RepoRow } from '../db/repos.js';
import { blame, type BlameCommit as GitBlameCommit } from '../git/blame.js';
import { gitDate, isBinary } from '../git/read.js';
import { notFound } from '../errors.js';
import { highlightLines } from '../services/render.js';
import { presentRef, type Blame, type BlameCommit } from '../presenters/browse.js';
import { presentGitlabCommit, type GitlabCommit } from '../presenters/gitlab.js';
import { gitlabNotFound } from './gitlab.js';
import { RENDER_LIMIT, entryOr404, open, splitRefPath } from './browse.js';
import type { ReadContext } from './context.js';

/** git's `+0130` as isomorphic-git's minutes west of UTC, so that dates read as everywhere else. */
function minutesWest(tz: string): number {
  const match = /^([+-])(\d\d)(\d\d)$/.exec(tz);
  if (!match) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === '+' ? -minutes : minutes;
}

function presentBlameCommit(commit: GitBlameCommit): BlameCommit {
  return {
    sha: commit.oid,
    summary: commit.summary,
    author_name: commit.authorName,
    author_email: commit.authorEmail,
    date: gitDate({ timestamp: commit.authorTime, timezoneOffset: minutesWest(commit.authorTz) }),
  };
}

/**
 * Who last changed each line of the file at `ref/path`, beside its highlighted lines. Binary and
 * too large files are not blamed (as the file view does not show them): their ranges are empty.
 */
export async function blameView(ctx: ReadContext, repo: RepoRow, rest: string): Promise<Blame> {
  const { reader } = open(ctx, repo);
  const { ref, path } = await splitRefPath(reader, rest);
  const entry = await entryOr404(reader, ref, path);
  if (entry.type !== 'blob') throw notFound(`The file "${path}"`);
  const bytes = await reader.blob(entry.oid);
  const shown = !isBinary(bytes) && bytes.length <= RENDER_LIMIT;
  const base = { ref: presentRef(ref), path, name: entry.name, sha: entry.oid };
  if (!shown) return { ...base, language: null, lines: null, ranges: [], commits: [] };
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  const { language, lines } = highlightLines(text, entry.oid, entry.name);
  const result = await blame(ctx.gitCache, reader.gitdir, ref.oid, path);
  return {
    ...base,
    language,
    lines,
    ranges: result.ranges.map((r) => ({ sha: r.commit, start: r.start, count: r.count, orig_path: r.origPath, orig_start: r.origStart })),
    commits: [...result.commits.values()].map(presentBlameCommit),
  };
}

/**
 * GitLab's blame (`GET /projects/:id/repository/files/:file_path/blame`): consecutive lines of the
 * file at `ref` (the default branch when absent) grouped by the commit that last changed them.
 */
export async function gitlabBlame(ctx: ReadContext, repo: RepoRow, path: string, refName: string | undefined): Promise<Array<{ commit: GitlabCommit; lines: string[] }>> {
  const { reader, urls } = open(ctx, repo);
  const ref = await reader.resolve(refName ?? repo.default_branch);
  if (!ref) throw gitlabNotFound('Commit');
  const entry = await reader.entryAt(ref.oid, path);
  if (!entry || entry.type !== 'blob') throw gitlabNotFound('File');
  const bytes = await reader.blob(entry.oid);
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  const lines = (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
  const result = await blame(ctx.gitCache, reader.gitdir, ref.oid, entry.path);
  return Promise.all(
    result.ranges.map(async (r) => ({ commit: presentGitlabCommit(await reader.commit(r.commit), urls.html), lines: lines.slice(r.start - 1, r.start - 1 + r.count) })),
  );
}

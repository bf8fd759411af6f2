import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import { notFound } from '../errors.js';
import type { RepoRow } from '../db/repos.js';
import type { Actor } from '../auth/policy.js';
import { repoPath } from '../git/store.js';
import { RepoReader, isBinary, type GitCommit, type GitEntry, type ResolvedRef } from '../git/read.js';
import { diffCommits, type Diff } from '../git/diff.js';
import { highlightDiff } from '../services/diff-highlight.js';
import { archiveStream, type ArchiveFormat } from '../git/archive.js';
import { aheadBehind, branchesByDate } from '../git/listing.js';
import { highlightLines, renderMarkdown, type LinkBase } from '../services/render.js';
import {
  RepoUrls,
  contentsType,
  encodePath,
  presentBranch,
  presentCommit,
  presentContents,
  presentLastCommit,
  presentRef,
  presentTag,
  type Blob,
  type Branch,
  type BranchOverview,
  type Commit,
  type Contents,
  type Readme,
  type Ref,
  type Tag,
  type Tree,
} from '../presenters/browse.js';
import type { ImageLinks } from '../lib/image-links.js';
import type { ReadContext } from './context.js';

/** Files above this size are neither highlighted nor rendered. */
export const RENDER_LIMIT = 1024 * 1024;
/** Files above this size are listed by the contents API without their bytes. */
export const CONTENTS_LIMIT = 10 * 1024 * 1024;
const DEFAULT_PAGE_SIZE = 30;
const COMPARE_COMMITS = 250;
/** Gitea's commit API lists every file of each commit's diff. */
const WHOLE_DIFF = { maxFiles: 10_000, maxLines: Infinity };

const IMAGE_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
  bmp: 'image/bmp',
  ico: 'image/x-icon',
  svg: 'image/svg+xml',
};
const OTHER_TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  json: 'application/json',
  zip: 'application/zip',
  gz: 'application/gzip',
  wasm: 'application/wasm',
  mp4: 'video/mp4',
  webm: 'video/webm',
  mp3: 'audio/mpeg',
  ogg: 'audio/ogg',
  woff2: 'font/woff2',
};
const README_NAMES = ['readme.md', 'readme.markdown', 'readme', 'readme.txt', 'readme.rst', 'lisezmoi.md'];

const extensionOf = (name: string) => {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
};
const isImage = (name: string) => extensionOf(name) in IMAGE_TYPES;
const isMarkdown = (name: string) => ['md', 'markdown', 'mdown', 'mkd'].includes(extensionOf(name));
/** A path as the API takes it: without leading or trailing slashes. */
const trimSlashes = (path: string) => path.replace(/^\/+|\/+$/g, '');
const dirOf = (path: string) => (posix.dirname(path) === '.' ? '' : posix.dirname(path));

function contentTypeOf(name: string, bytes: Uint8Array): string {
  const ext = extensionOf(name);
  const known = IMAGE_TYPES[ext] ?? OTHER_TYPES[ext];
  if (known) return known;
  return isBinary(bytes) ? 'application/octet-stream' : 'text/plain; charset=utf-8';
}

/** Which slice of a list one page is, from Gitea's `page` and `limit` (30 by default). */
export function pageBounds(paging: { page?: number; limit?: number }): { page: number; limit: number; start: number; end: number } {
  const page = paging.page ?? 1;
  const limit = paging.limit ?? DEFAULT_PAGE_SIZE;
  const start = (page - 1) * limit;
  return { page, limit, start, end: start + limit };
}

/** One page of a list and the length of the whole list, for Gitea's pagination headers. */
export interface Page<T> {
  items: T[];
  total: number;
}

/** The reader and the URLs of one repository. */
export function open(ctx: ReadContext, repo: RepoRow) {
  return { reader: new RepoReader(repoPath(ctx.config.reposDir, repo.owner_name, repo.name), ctx.gitCache), urls: new RepoUrls(ctx.config.baseUrl, repo) };
}

async function resolveOr404(reader: RepoReader, ref: string): Promise<ResolvedRef> {
  const resolved = await reader.resolve(ref);
  if (!resolved) throw notFound(`The ref "${ref}"`);
  return resolved;
}

/**
 * Splits `ref/path` where the ref may itself hold slashes (`feature/x/src/a.ts`): the shortest
 * prefix that names a branch, tag or commit wins, as Gitea does.
 */
export async function splitRefPath(reader: RepoReader, rest: string): Promise<{ ref: ResolvedRef; path: string }> {
  const parts = rest.split('/').filter((p) => p !== '');
  for (let i = 1; i <= parts.length; i++) {
    const ref = await reader.resolve(parts.slice(0, i).join('/'));
    if (ref) return { ref, path: parts.slice(i).join('/') };
  }
  throw notFound(`The ref "${parts[0] ?? ''}"`);
}

/** The entry at `path` of a ref, or a 404 naming the path. */
export async function entryOr404(reader: RepoReader, ref: ResolvedRef, path: string): Promise<GitEntry> {
  const entry = await reader.entryAt(ref.oid, path);
  if (!entry) throw notFound(`The path "${path}"`);
  return entry;
}

/** The last commit of each entry of a folder, read once per (commit, folder). */
async function lastCommitsIn(reader: RepoReader, ref: ResolvedRef, folder: string): Promise<Map<string, GitCommit>> {
  const map = await reader.lastCommits(ref.oid, folder);
  const commits = new Map<string, GitCommit>();
  for (const [name, oid] of map) commits.set(name, await reader.commit(oid));
  return commits;
}

async function lastCommitOfPath(reader: RepoReader, ref: ResolvedRef, path: string): Promise<GitCommit | null> {
  if (path === '') return reader.commit(ref.oid);
  const commits = await lastCommitsIn(reader, ref, dirOf(path));
  return commits.get(posix.basename(path)) ?? null;
}

/** A text file as highlighted lines, and as sanitised HTML when it is Markdown. */
function renderText(images: ImageLinks, repo: RepoRow, ref: ResolvedRef, entry: GitEntry, bytes: Uint8Array) {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  const { language, lines } = highlightLines(text, entry.oid, entry.name);
  const base: LinkBase = { owner: repo.owner_name, repo: repo.name, kind: ref.kind, ref: ref.name, dir: dirOf(entry.path) };
  const markdown = isMarkdown(entry.name) ? renderMarkdown(text, entry.oid, base, images) : null;
  return { language, lines, markdown };
}

// ---- Gitea: contents and raw --------------------------------------------------------------------

/** Gitea's contents of a path at a ref (the default branch when none): a file, or a folder's entries. */
export async function repositoryContents(ctx: ReadContext, repo: RepoRow, refName: string | undefined, rawPath: string): Promise<Contents | Contents[]> {
  const { reader, urls } = open(ctx, repo);
  const ref = await resolveOr404(reader, refName ?? repo.default_branch);
  const path = trimSlashes(rawPath);
  const entry = await entryOr404(reader, ref, path);
  if (entry.type === 'tree') {
    const [entries, last] = await Promise.all([reader.listFolder(entry), reader.lastCommits(ref.oid, path)]);
    return Promise.all(
      entries.map(async (e) => {
        const size = e.type === 'blob' ? (await reader.blob(e.oid)).length : 0;
        return presentContents(urls, ref, e, { size, lastCommit: last.get(e.name) ?? '' });
      }),
    );
  }
  const last = (await lastCommitOfPath(reader, ref, path))?.oid ?? '';
  if (entry.type === 'commit') return presentContents(urls, ref, entry, { size: 0, lastCommit: last });
  const bytes = await reader.blob(entry.oid);
  const type = contentsType(entry);
  return presentContents(urls, ref, entry, {
    size: bytes.length,
    lastCommit: last,
    content: type === 'file' && bytes.length <= CONTENTS_LIMIT ? bytes : null,
    target: type === 'symlink' ? Buffer.from(bytes).toString('utf8') : null,
  });
}

/** A file to serve raw: its blob id (the ETag) first, its bytes only when the client lacks them. */
export interface RawFile {
  oid: string;
  load(): Promise<{ contentType: string; body: Buffer }>;
}

function rawOf(reader: RepoReader, entry: GitEntry): RawFile {
  if (entry.type !== 'blob') throw notFound(`The file "${entry.path}"`);
  return {
    oid: entry.oid,
    async load() {
      const bytes = await reader.blob(entry.oid);
      return { contentType: contentTypeOf(entry.name, bytes), body: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
    },
  };
}

/** Gitea's API raw file: the ref is `?ref=` or the first segments of `rest`, else the default branch. */
export async function rawFile(ctx: ReadContext, repo: RepoRow, rest: string, refName: string | undefined): Promise<RawFile> {
  const { reader } = open(ctx, repo);
  const { ref, path } = refName
    ? { ref: await resolveOr404(reader, refName), path: rest }
    : await splitRefPath(reader, rest).catch(async () => ({ ref: await resolveOr404(reader, repo.default_branch), path: rest }));
  return rawOf(reader, await entryOr404(reader, ref, path));
}

/** Gitea's web raw file, `raw/{kind}/{ref}/{path}`: the ref must be of that kind. */
export async function rawPageFile(ctx: ReadContext, repo: RepoRow, kind: ResolvedRef['kind'], rest: string): Promise<RawFile> {
  const { reader } = open(ctx, repo);
  const parts = rest.split('/').filter((p) => p !== '');
  for (let i = 1; i <= parts.length; i++) {
    const ref = await reader.resolve(parts.slice(0, i).join('/'));
    if (ref && ref.kind === kind) {
      const entry = await reader.entryAt(ref.oid, parts.slice(i).join('/'));
      if (!entry) break;
      return rawOf(reader, entry);
    }
  }
  throw notFound('The file');
}

// ---- Gitea: commits, branches, tags, archive ----------------------------------------------------

/** One page of a ref's history (of a path, when given), with each commit's files when asked. */
export async function commitsPage(
  ctx: ReadContext,
  repo: RepoRow,
  query: { sha?: string; path?: string; page?: number; limit?: number; stat?: boolean; files?: boolean },
): Promise<Page<Commit>> {
  const { reader, urls } = open(ctx, repo);
  const ref = await resolveOr404(reader, query.sha ?? repo.default_branch);
  const oids = await reader.history(ref.oid, trimSlashes(query.path ?? ''));
  const { start, end } = pageBounds(query);
  const withDiff = query.stat === true || query.files === true;
  const items = await Promise.all(
    oids.slice(start, end).map(async (oid) => {
      const commit = await reader.commit(oid);
      if (!withDiff) return presentCommit(urls, commit);
      const diff = await diffCommits(reader, commit.parents[0] ?? null, oid, WHOLE_DIFF);
      return presentCommit(urls, commit, diff.files);
    }),
  );
  return { items, total: oids.length };
}

/** One commit, with the files it changed. */
export async function repositoryCommit(ctx: ReadContext, repo: RepoRow, sha: string): Promise<Commit> {
  const { reader, urls } = open(ctx, repo);
  const ref = await resolveOr404(reader, sha);
  const commit = await reader.commit(ref.oid);
  const diff = await diffCommits(reader, commit.parents[0] ?? null, commit.oid, WHOLE_DIFF);
  return presentCommit(urls, commit, diff.files);
}

const canPush = async (ctx: ReadContext, actor: Actor, repo: RepoRow) => await ctx.policy.can(actor, 'repo:write', { type: 'repo', repo });

/** Whether a ref's name holds the searched text (Fabrique's `q` on branch and tag lists), without case. */
const nameMatches = (q: string | undefined) => (ref: { name: string }) => !q || ref.name.toLowerCase().includes(q.toLowerCase());

/** One page of the branches (those whose name holds `q`), each with its head commit and whether the actor may push to it. */
export async function branchesPage(ctx: ReadContext, actor: Actor, repo: RepoRow, paging: { page?: number; limit?: number; q?: string }): Promise<Page<Branch>> {
  const { reader, urls } = open(ctx, repo);
  const branches = (await reader.branches()).filter(nameMatches(paging.q));
  const { start, end } = pageBounds(paging);
  const push = await canPush(ctx, actor, repo);
  const items = await Promise.all(branches.slice(start, end).map(async (b) => presentBranch(urls, b.name, await reader.commit(b.commit), push)));
  return { items, total: branches.length };
}

/**
 * The branches page: the default branch first, then the others by last commit, newest first (one
 * `for-each-ref`), each with its ahead/behind counts against the default branch. The counts of a
 * page run together and are remembered in the repository's git cache by the pair of commit ids,
 * so they stay true until either branch moves.
 */
export async function branchOverview(
  ctx: ReadContext,
  actor: Actor,
  repo: RepoRow,
  paging: { page?: number; limit?: number; q?: string },
): Promise<BranchOverview> {
  const { reader, urls } = open(ctx, repo);
  const gitdir = repoPath(ctx.config.reposDir, repo.owner_name, repo.name);
  const all = await branchesByDate(gitdir);
  const base = all.find((b) => b.name === repo.default_branch);
  const ordered = base ? [base, ...all.filter((b) => b !== base)] : all;
  const matching = ordered.filter(nameMatches(paging.q));
  const { start, end } = pageBounds(paging);
  const push = await canPush(ctx, actor, repo);
  const branches = await Promise.all(
    matching.slice(start, end).map(async (b) => {
      const branch = presentBranch(urls, b.name, await reader.commit(b.oid), push);
      if (!base || b.oid === base.oid) return { branch, ahead: 0, behind: 0 };
      const key = `ahead-behind:${base.oid}:${b.oid}`;
      let counts = reader.remembered<{ ahead: number; behind: number }>(key);
      if (!counts) {
        counts = await aheadBehind(gitdir, base.oid, b.oid);
        reader.remember(key, counts);
      }
      return { branch, ...counts };
    }),
  );
  return { default_branch: repo.default_branch, total: matching.length, branches };
}

/** One branch by name. */
export async function repositoryBranch(ctx: ReadContext, actor: Actor, repo: RepoRow, name: string): Promise<Branch> {
  const { reader, urls } = open(ctx, repo);
  const branch = (await reader.branches()).find((b) => b.name === name);
  if (!branch) throw notFound(`The branch "${name}"`);
  return presentBranch(urls, branch.name, await reader.commit(branch.commit), await canPush(ctx, actor, repo));
}

/** One page of the tags (those whose name holds `q`). */
export async function tagsPage(ctx: ReadContext, repo: RepoRow, paging: { page?: number; limit?: number; q?: string }): Promise<Page<Tag>> {
  const { reader, urls } = open(ctx, repo);
  // Version numbers in their order (v1.10 after v1.9), newest first.
  const tags = (await reader.tags()).filter(nameMatches(paging.q)).sort((a, b) => b.name.localeCompare(a.name, 'en', { numeric: true }));
  const { start, end } = pageBounds(paging);
  const items = await Promise.all(tags.slice(start, end).map(async (t) => presentTag(urls, t, await reader.commit(t.commit))));
  return { items, total: tags.length };
}

/** One tag by name. */
export async function repositoryTag(ctx: ReadContext, repo: RepoRow, name: string): Promise<Tag> {
  const { reader, urls } = open(ctx, repo);
  const tag = (await reader.tags()).find((t) => t.name === name);
  if (!tag) throw notFound(`The tag "${name}"`);
  return presentTag(urls, tag, await reader.commit(tag.commit));
}

/** An archive of a ref, asked for as `<ref>.zip` or `<ref>.tar.gz`, streamed by git. */
export async function repositoryArchive(
  ctx: ReadContext,
  repo: RepoRow,
  spec: string,
): Promise<{ filename: string; contentType: string; stream: Readable }> {
  const { reader } = open(ctx, repo);
  const match = /^(.+)\.(zip|tar\.gz)$/.exec(spec);
  if (!match) throw notFound('The archive (ask for <ref>.zip or <ref>.tar.gz)');
  const format = match[2] as ArchiveFormat;
  const ref = await resolveOr404(reader, match[1]);
  const label = ref.kind === 'commit' ? ref.oid.slice(0, 10) : ref.name.replace(/[^A-Za-z0-9._-]+/g, '-');
  return {
    filename: `${repo.name}-${label}.${format}`,
    contentType: format === 'zip' ? 'application/zip' : 'application/gzip',
    stream: archiveStream(reader.gitdir, ref.oid, format, repo.name),
  };
}

// ---- Fabrique: the pages of the web UI ----------------------------------------------------------

/** A folder at `ref/path`, each entry with its last commit. */
export async function folderView(ctx: ReadContext, repo: RepoRow, rest: string): Promise<Tree> {
  const { reader } = open(ctx, repo);
  const { ref, path } = await splitRefPath(reader, rest);
  const folder = await entryOr404(reader, ref, path);
  if (folder.type !== 'tree') throw notFound(`The folder "${path}"`);
  const [entries, last] = await Promise.all([reader.listFolder(folder), lastCommitsIn(reader, ref, path)]);
  let newest: GitCommit | null = null;
  for (const commit of last.values()) if (!newest || commit.committer.timestamp > newest.committer.timestamp) newest = commit;
  return {
    ref: presentRef(ref),
    path,
    last_commit: presentLastCommit(path === '' ? await reader.commit(ref.oid) : newest),
    entries: entries.map((e) => ({
      name: e.name,
      path: e.path,
      type: contentsType(e),
      mode: e.mode,
      sha: e.oid,
      last_commit: presentLastCommit(last.get(e.name) ?? null),
    })),
  };
}

/** A file at `ref/path`: highlighted (and rendered, for Markdown) unless binary or too large. */
export async function fileView(ctx: ReadContext, repo: RepoRow, rest: string): Promise<Blob> {
  const { reader, urls } = open(ctx, repo);
  const { ref, path } = await splitRefPath(reader, rest);
  const entry = await entryOr404(reader, ref, path);
  if (entry.type !== 'blob') throw notFound(`The file "${path}"`);
  const [bytes, last] = await Promise.all([reader.blob(entry.oid), lastCommitOfPath(reader, ref, path)]);
  const binary = isBinary(bytes);
  const tooLarge = bytes.length > RENDER_LIMIT;
  const rendered = binary || tooLarge ? { language: null, lines: null, markdown: null } : renderText(ctx.images, repo, ref, entry, bytes);
  return {
    ref: presentRef(ref),
    path,
    name: entry.name,
    sha: entry.oid,
    size: bytes.length,
    binary,
    too_large: tooLarge,
    image: isImage(entry.name),
    ...rendered,
    raw_url: `${urls.html}/raw/${ref.kind}/${encodePath(ref.name)}/${encodePath(path)}`,
    last_commit: presentLastCommit(last),
  };
}

/** The README at the root of a ref (the default branch when none), rendered. */
export async function readmeView(ctx: ReadContext, repo: RepoRow, refName: string): Promise<Readme> {
  const { reader } = open(ctx, repo);
  const ref = await resolveOr404(reader, refName || repo.default_branch);
  const root = await reader.listFolder((await reader.entryAt(ref.oid, '')) as GitEntry);
  const rank = (e: GitEntry) => README_NAMES.indexOf(e.name.toLowerCase());
  const readme = root.filter((e) => e.type === 'blob' && rank(e) >= 0).sort((a, b) => rank(a) - rank(b))[0];
  if (!readme) throw notFound('The README');
  const bytes = await reader.blob(readme.oid);
  const rendered = isBinary(bytes) || bytes.length > RENDER_LIMIT ? { markdown: null, lines: null } : renderText(ctx.images, repo, ref, readme, bytes);
  return { ref: presentRef(ref), path: readme.path, name: readme.name, sha: readme.oid, markdown: rendered.markdown, lines: rendered.lines };
}

/** Which files of a diff a page shows. */
export interface DiffPage {
  offset?: number;
  limit?: number;
}

/** A commit and one page of its diff against its first parent. */
export async function commitDiff(ctx: ReadContext, repo: RepoRow, sha: string, page: DiffPage): Promise<{ commit: Commit; diff: Diff }> {
  const { reader, urls } = open(ctx, repo);
  const ref = await resolveOr404(reader, sha);
  const commit = await reader.commit(ref.oid);
  const diff = highlightDiff(await diffCommits(reader, commit.parents[0] ?? null, commit.oid, { offset: page.offset, maxFiles: page.limit }));
  return { commit: presentCommit(urls, commit), diff };
}

/** `base...head`: the commits head adds and one page of the diff from the merge base. */
export async function comparison(
  ctx: ReadContext,
  repo: RepoRow,
  spec: string,
  page: DiffPage,
): Promise<{ base: Ref; head: Ref; merge_base: string | null; total_commits: number; commits: Commit[]; diff: Diff }> {
  const { reader, urls } = open(ctx, repo);
  const dots = spec.indexOf('...');
  if (dots <= 0) throw notFound('The comparison (ask for <base>...<head>)');
  const [base, head] = await Promise.all([resolveOr404(reader, spec.slice(0, dots)), resolveOr404(reader, spec.slice(dots + 3))]);
  const mergeBase = await reader.mergeBase(base.oid, head.oid);
  const oids = await reader.commitsBetween(base.oid, head.oid);
  const shown = oids.slice(0, COMPARE_COMMITS).reverse();
  const diff = highlightDiff(await diffCommits(reader, mergeBase, head.oid, { offset: page.offset, maxFiles: page.limit }));
  return {
    base: presentRef(base),
    head: presentRef(head),
    merge_base: mergeBase,
    total_commits: oids.length,
    commits: await Promise.all(shown.map(async (oid) => presentCommit(urls, await reader.commit(oid)))),
    diff,
  };
}

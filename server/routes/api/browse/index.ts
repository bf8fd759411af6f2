import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { posix } from 'node:path';
import { notFound } from '../../../errors.js';
import type { RepoRow } from '../../../db/repos.js';
import { repoPath } from '../../../git/store.js';
import { RepoReader, gitDate, isBinary, type GitCommit, type GitEntry, type ResolvedRef } from '../../../git/read.js';
import { diffCommits } from '../../../git/diff.js';
import { archiveStream, type ArchiveFormat } from '../../../git/archive.js';
import { highlightLines, renderMarkdown, type LinkBase } from '../../../services/render.js';
import {
  Branch,
  Commit,
  Contents,
  RepoUrls,
  Tag,
  contentsType,
  presentBranch,
  presentCommit,
  presentContents,
  presentTag,
} from '../../../presenters/browse.js';
import {
  Blob,
  CommitWithDiff,
  CommitsQuery,
  Comparison,
  LastCommit,
  Message,
  OffsetQuery,
  PageQuery,
  RefQuery,
  Readme,
  RepoParams,
  RepoRestParams,
  ShaParams,
  Tree,
} from './schema.js';

/** Files above this size are neither highlighted nor rendered, and their contents not inlined. */
const RENDER_LIMIT = 1024 * 1024;
const CONTENTS_LIMIT = 10 * 1024 * 1024;
const DEFAULT_PAGE_SIZE = 30;
const COMPARE_COMMITS = 250;

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

/**
 * Raw files are served from the forge's own origin: nothing in them may run there. HTML is sent as
 * plain text, and every response carries a sandboxing CSP (SVG scripts stay inert) and nosniff.
 */
const RAW_HEADERS = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox",
  'cross-origin-resource-policy': 'same-origin',
};

const extensionOf = (name: string) => {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
};
const isImage = (name: string) => extensionOf(name) in IMAGE_TYPES;
const isMarkdown = (name: string) => ['md', 'markdown', 'mdown', 'mkd'].includes(extensionOf(name));

function contentTypeOf(name: string, bytes: Uint8Array): string {
  const ext = extensionOf(name);
  const known = IMAGE_TYPES[ext] ?? OTHER_TYPES[ext];
  if (known) return known;
  return isBinary(bytes) ? 'application/octet-stream' : 'text/plain; charset=utf-8';
}

/** A file's bytes with a safe content type; 304 when the client has this blob already. */
async function sendRaw(request: FastifyRequest, reply: FastifyReply, reader: RepoReader, entry: GitEntry) {
  if (entry.type !== 'blob') throw notFound(`The file "${entry.path}"`);
  const etag = `"${entry.oid}"`;
  reply.headers(RAW_HEADERS).header('etag', etag).header('cache-control', 'private, no-cache');
  if (request.headers['if-none-match'] === etag) return reply.status(304).send();
  const bytes = await reader.blob(entry.oid);
  return reply.type(contentTypeOf(entry.name, bytes)).send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

const summaryOf = (message: string) => message.split('\n', 1)[0];

function lastCommitOf(commit: GitCommit | null): LastCommit | null {
  return commit ? { sha: commit.oid, summary: summaryOf(commit.message), author_name: commit.author.name, date: gitDate(commit.author) } : null;
}

const refOf = (ref: ResolvedRef) => ({ name: ref.name, kind: ref.kind, commit: ref.oid });

/** Sets Gitea's pagination headers (X-Total-Count, X-HasMore, Link) and returns the slice bounds. */
function paginate(request: FastifyRequest, reply: FastifyReply, total: number, query: { page?: number; limit?: number }) {
  const page = query.page ?? 1;
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  const start = (page - 1) * limit;
  const pages = Math.max(1, Math.ceil(total / limit));
  const links: string[] = [];
  const url = new URL(request.url, 'http://x');
  const linkTo = (p: number, rel: string) => {
    url.searchParams.set('page', String(p));
    url.searchParams.set('limit', String(limit));
    links.push(`<${url.pathname}${url.search}>; rel="${rel}"`);
  };
  if (page < pages) linkTo(page + 1, 'next');
  if (page < pages) linkTo(pages, 'last');
  if (page > 1) linkTo(1, 'first');
  if (page > 1) linkTo(Math.min(page - 1, pages), 'prev');
  reply.headers({
    'x-total-count': String(total),
    'x-hasmore': String(start + limit < total),
    'x-page': String(page),
    'x-perpage': String(limit),
    'x-pagecount': String(pages),
    'access-control-expose-headers': 'X-Total-Count, X-HasMore, X-Page, X-PerPage, X-PageCount, Link',
  });
  if (links.length > 0) reply.header('link', links.join(', '));
  return { start, end: start + limit };
}

/**
 * Read endpoints behind the browse pages: Gitea's contents, raw, commits, branches, tags and
 * archive, and Fabrique's own tree, blob, readme, diff and compare for the UI. Every one asks the
 * policy first, so a private repository is a 404 to anyone who may not read it.
 */
const browseRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { config } = fastify.forge;

  /** The repository (or a 404), its reader and its URLs. */
  function open(request: FastifyRequest, params: { owner: string; repo: string }) {
    const repo = fastify.policy.requireRepo(request.actor, params.owner, params.repo, 'repo:read');
    const reader = new RepoReader(repoPath(config.reposDir, repo.owner_name, repo.name));
    return { repo, reader, urls: new RepoUrls(config.baseUrl, repo) };
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
  async function splitRefPath(reader: RepoReader, rest: string): Promise<{ ref: ResolvedRef; path: string }> {
    const parts = rest.split('/').filter((p) => p !== '');
    for (let i = 1; i <= parts.length; i++) {
      const ref = await reader.resolve(parts.slice(0, i).join('/'));
      if (ref) return { ref, path: parts.slice(i).join('/') };
    }
    throw notFound(`The ref "${parts[0] ?? ''}"`);
  }

  async function entryOr404(reader: RepoReader, ref: ResolvedRef, path: string): Promise<GitEntry> {
    const entry = await reader.entryAt(ref.oid, path);
    if (!entry) throw notFound(`The path "${path}"`);
    return entry;
  }

  /** The last commit of each entry of a folder, read once per (commit, folder). */
  async function lastCommitsIn(reader: RepoReader, ref: ResolvedRef, folder: string) {
    const map = await reader.lastCommits(ref.oid, folder);
    const commits = new Map<string, GitCommit>();
    for (const [name, oid] of map) commits.set(name, await reader.commit(oid));
    return commits;
  }

  async function lastCommitOfPath(reader: RepoReader, ref: ResolvedRef, path: string): Promise<GitCommit | null> {
    if (path === '') return reader.commit(ref.oid);
    const commits = await lastCommitsIn(reader, ref, posix.dirname(path) === '.' ? '' : posix.dirname(path));
    return commits.get(posix.basename(path)) ?? null;
  }

  const linkBase = (repo: RepoRow, ref: ResolvedRef, path: string): LinkBase => ({
    owner: repo.owner_name,
    repo: repo.name,
    kind: ref.kind,
    ref: ref.name,
    dir: posix.dirname(path) === '.' ? '' : posix.dirname(path),
  });

  // ---- Gitea: contents ------------------------------------------------------------------------

  const contentsHandler = async (
    request: FastifyRequest<{ Params: { owner: string; repo: string; '*'?: string }; Querystring: { ref?: string } }>,
  ) => {
    const { repo, reader, urls } = open(request, request.params);
    const ref = await resolveOr404(reader, request.query.ref ?? repo.default_branch);
    const path = (request.params['*'] ?? '').replace(/^\/+|\/+$/g, '');
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
  };
  const contentsSchema = {
    tags: ['repository'],
    querystring: RefQuery,
    response: { 200: Type.Union([Contents, Type.Array(Contents)]), 404: Message },
  };
  fastify.get('/repos/:owner/:repo/contents', { config: { scope: 'read:repository' }, schema: { ...contentsSchema, params: RepoParams } }, contentsHandler);
  fastify.get('/repos/:owner/:repo/contents/*', { config: { scope: 'read:repository' }, schema: { ...contentsSchema, params: RepoRestParams } }, contentsHandler);

  // ---- Gitea: raw -----------------------------------------------------------------------------

  fastify.get(
    '/repos/:owner/:repo/raw/*',
    { config: { scope: 'read:repository' }, schema: { tags: ['repository'], params: RepoRestParams, querystring: RefQuery } },
    async (request, reply) => {
      const { repo, reader } = open(request, request.params);
      const rest = request.params['*'];
      // Gitea takes the ref either as ?ref= or as the first path segments.
      const { ref, path } = request.query.ref
        ? { ref: await resolveOr404(reader, request.query.ref), path: rest }
        : await splitRefPath(reader, rest).catch(async () => ({ ref: await resolveOr404(reader, repo.default_branch), path: rest }));
      return sendRaw(request, reply, reader, await entryOr404(reader, ref, path));
    },
  );

  // ---- Gitea: commits -------------------------------------------------------------------------

  fastify.get(
    '/repos/:owner/:repo/commits',
    {
      config: { scope: 'read:repository' },
      schema: {
        tags: ['repository'],
        params: RepoParams,
        querystring: CommitsQuery,
        response: { 200: Type.Array(Commit), 404: Message },
      },
    },
    async (request, reply) => {
      const { repo, reader, urls } = open(request, request.params);
      const ref = await resolveOr404(reader, request.query.sha ?? repo.default_branch);
      const path = (request.query.path ?? '').replace(/^\/+|\/+$/g, '');
      const oids = await reader.history(ref.oid, path);
      const { start, end } = paginate(request, reply, oids.length, request.query);
      const withDiff = request.query.stat === true || request.query.files === true;
      return Promise.all(
        oids.slice(start, end).map(async (oid) => {
          const commit = await reader.commit(oid);
          if (!withDiff) return presentCommit(urls, commit);
          const diff = await diffCommits(reader, commit.parents[0] ?? null, oid, { maxFiles: 10_000, maxLines: Infinity });
          return presentCommit(urls, commit, diff.files);
        }),
      );
    },
  );

  fastify.get(
    '/repos/:owner/:repo/git/commits/:sha',
    { config: { scope: 'read:repository' }, schema: { tags: ['repository'], params: ShaParams, response: { 200: Commit, 404: Message } } },
    async (request) => {
      const { reader, urls } = open(request, request.params);
      const ref = await resolveOr404(reader, request.params.sha);
      const commit = await reader.commit(ref.oid);
      const diff = await diffCommits(reader, commit.parents[0] ?? null, commit.oid, { maxFiles: 10_000, maxLines: Infinity });
      return presentCommit(urls, commit, diff.files);
    },
  );

  // ---- Gitea: branches and tags ---------------------------------------------------------------

  const canPush = (request: FastifyRequest, repo: RepoRow) => fastify.policy.can(request.actor, 'repo:write', { type: 'repo', repo });

  fastify.get(
    '/repos/:owner/:repo/branches',
    { config: { scope: 'read:repository' }, schema: { tags: ['repository'], params: RepoParams, querystring: PageQuery, response: { 200: Type.Array(Branch), 404: Message } } },
    async (request, reply) => {
      const { repo, reader, urls } = open(request, request.params);
      const branches = await reader.branches();
      const { start, end } = paginate(request, reply, branches.length, request.query);
      const push = canPush(request, repo);
      return Promise.all(branches.slice(start, end).map(async (b) => presentBranch(urls, b.name, await reader.commit(b.commit), push)));
    },
  );

  fastify.get(
    '/repos/:owner/:repo/branches/*',
    { config: { scope: 'read:repository' }, schema: { tags: ['repository'], params: RepoRestParams, response: { 200: Branch, 404: Message } } },
    async (request) => {
      const { repo, reader, urls } = open(request, request.params);
      const name = request.params['*'];
      const branch = (await reader.branches()).find((b) => b.name === name);
      if (!branch) throw notFound(`The branch "${name}"`);
      return presentBranch(urls, branch.name, await reader.commit(branch.commit), canPush(request, repo));
    },
  );

  fastify.get(
    '/repos/:owner/:repo/tags',
    { config: { scope: 'read:repository' }, schema: { tags: ['repository'], params: RepoParams, querystring: PageQuery, response: { 200: Type.Array(Tag), 404: Message } } },
    async (request, reply) => {
      const { reader, urls } = open(request, request.params);
      const tags = await reader.tags();
      const { start, end } = paginate(request, reply, tags.length, request.query);
      return Promise.all(tags.slice(start, end).map(async (t) => presentTag(urls, t, await reader.commit(t.commit))));
    },
  );

  fastify.get(
    '/repos/:owner/:repo/tags/*',
    { config: { scope: 'read:repository' }, schema: { tags: ['repository'], params: RepoRestParams, response: { 200: Tag, 404: Message } } },
    async (request) => {
      const { reader, urls } = open(request, request.params);
      const name = request.params['*'];
      const tag = (await reader.tags()).find((t) => t.name === name);
      if (!tag) throw notFound(`The tag "${name}"`);
      return presentTag(urls, tag, await reader.commit(tag.commit));
    },
  );

  // ---- Gitea: archive -------------------------------------------------------------------------

  fastify.get(
    '/repos/:owner/:repo/archive/*',
    { config: { scope: 'read:repository' }, schema: { tags: ['repository'], params: RepoRestParams } },
    async (request, reply) => {
      const { repo, reader } = open(request, request.params);
      const match = /^(.+)\.(zip|tar\.gz)$/.exec(request.params['*']);
      if (!match) throw notFound('The archive (ask for <ref>.zip or <ref>.tar.gz)');
      const format = match[2] as ArchiveFormat;
      const ref = await resolveOr404(reader, match[1]);
      const label = ref.kind === 'commit' ? ref.oid.slice(0, 10) : ref.name.replace(/[^A-Za-z0-9._-]+/g, '-');
      const filename = `${repo.name}-${label}.${format}`;
      reply
        .type(format === 'zip' ? 'application/zip' : 'application/gzip')
        .header('content-disposition', `attachment; filename="${filename}"`)
        .header('x-content-type-options', 'nosniff');
      return reply.send(archiveStream(reader.gitdir, ref.oid, format, repo.name));
    },
  );

  // ---- Fabrique: pages of the web UI ----------------------------------------------------------

  fastify.get(
    '/repos/:owner/:repo/tree/*',
    { config: { scope: 'read:repository' }, schema: { tags: ['browse'], params: RepoRestParams, response: { 200: Tree, 404: Message } } },
    async (request) => {
      const { reader } = open(request, request.params);
      const { ref, path } = await splitRefPath(reader, request.params['*']);
      const folder = await entryOr404(reader, ref, path);
      if (folder.type !== 'tree') throw notFound(`The folder "${path}"`);
      const [entries, last] = await Promise.all([reader.listFolder(folder), lastCommitsIn(reader, ref, path)]);
      let newest: GitCommit | null = null;
      for (const commit of last.values()) if (!newest || commit.committer.timestamp > newest.committer.timestamp) newest = commit;
      return {
        ref: refOf(ref),
        path,
        last_commit: lastCommitOf(path === '' ? await reader.commit(ref.oid) : newest),
        entries: entries.map((e) => ({
          name: e.name,
          path: e.path,
          type: contentsType(e),
          mode: e.mode,
          sha: e.oid,
          last_commit: lastCommitOf(last.get(e.name) ?? null),
        })),
      };
    },
  );

  /** A text file as highlighted lines, and as sanitised HTML when it is Markdown. */
  function renderText(repo: RepoRow, ref: ResolvedRef, entry: GitEntry, bytes: Uint8Array) {
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    const { language, lines } = highlightLines(text, entry.oid, entry.name);
    const markdown = isMarkdown(entry.name) ? renderMarkdown(text, entry.oid, linkBase(repo, ref, entry.path)) : null;
    return { language, lines, markdown };
  }

  fastify.get(
    '/repos/:owner/:repo/blob/*',
    { config: { scope: 'read:repository' }, schema: { tags: ['browse'], params: RepoRestParams, response: { 200: Blob, 404: Message } } },
    async (request) => {
      const { repo, reader, urls } = open(request, request.params);
      const { ref, path } = await splitRefPath(reader, request.params['*']);
      const entry = await entryOr404(reader, ref, path);
      if (entry.type !== 'blob') throw notFound(`The file "${path}"`);
      const [bytes, last] = await Promise.all([reader.blob(entry.oid), lastCommitOfPath(reader, ref, path)]);
      const binary = isBinary(bytes);
      const tooLarge = bytes.length > RENDER_LIMIT;
      const rendered = binary || tooLarge ? { language: null, lines: null, markdown: null } : renderText(repo, ref, entry, bytes);
      return {
        ref: refOf(ref),
        path,
        name: entry.name,
        sha: entry.oid,
        size: bytes.length,
        binary,
        too_large: tooLarge,
        image: isImage(entry.name),
        ...rendered,
        raw_url: `${urls.html}/raw/${ref.kind}/${ref.name.split('/').map(encodeURIComponent).join('/')}/${path.split('/').map(encodeURIComponent).join('/')}`,
        last_commit: lastCommitOf(last),
      };
    },
  );

  fastify.get(
    '/repos/:owner/:repo/readme/*',
    { config: { scope: 'read:repository' }, schema: { tags: ['browse'], params: RepoRestParams, response: { 200: Readme, 404: Message } } },
    async (request) => {
      const { repo, reader } = open(request, request.params);
      const ref = await resolveOr404(reader, request.params['*'] || repo.default_branch);
      const root = await reader.listFolder((await reader.entryAt(ref.oid, '')) as GitEntry);
      const rank = (e: GitEntry) => README_NAMES.indexOf(e.name.toLowerCase());
      const readme = root.filter((e) => e.type === 'blob' && rank(e) >= 0).sort((a, b) => rank(a) - rank(b))[0];
      if (!readme) throw notFound('The README');
      const bytes = await reader.blob(readme.oid);
      const rendered =
        isBinary(bytes) || bytes.length > RENDER_LIMIT ? { markdown: null, lines: null } : renderText(repo, ref, readme, bytes);
      return { ref: refOf(ref), path: readme.path, name: readme.name, sha: readme.oid, markdown: rendered.markdown, lines: rendered.lines };
    },
  );

  fastify.get(
    '/repos/:owner/:repo/commit/:sha/diff',
    {
      config: { scope: 'read:repository' },
      schema: {
        tags: ['browse'],
        params: ShaParams,
        querystring: OffsetQuery,
        response: { 200: CommitWithDiff, 404: Message },
      },
    },
    async (request) => {
      const { reader, urls } = open(request, request.params);
      const ref = await resolveOr404(reader, request.params.sha);
      const commit = await reader.commit(ref.oid);
      const diff = await diffCommits(reader, commit.parents[0] ?? null, commit.oid, { offset: request.query.offset, maxFiles: request.query.limit });
      return { commit: presentCommit(urls, commit), diff };
    },
  );

  fastify.get(
    '/repos/:owner/:repo/compare/*',
    {
      config: { scope: 'read:repository' },
      schema: {
        tags: ['browse'],
        params: RepoRestParams,
        querystring: OffsetQuery,
        response: {
          200: Comparison,
          404: Message,
        },
      },
    },
    async (request) => {
      const { reader, urls } = open(request, request.params);
      const spec = request.params['*'];
      const dots = spec.indexOf('...');
      if (dots <= 0) throw notFound('The comparison (ask for <base>...<head>)');
      const [base, head] = await Promise.all([
        resolveOr404(reader, spec.slice(0, dots)),
        resolveOr404(reader, spec.slice(dots + 3)),
      ]);
      const mergeBase = await reader.mergeBase(base.oid, head.oid);
      const oids = await reader.commitsBetween(base.oid, head.oid);
      const shown = oids.slice(0, COMPARE_COMMITS).reverse();
      const diff = await diffCommits(reader, mergeBase, head.oid, { offset: request.query.offset, maxFiles: request.query.limit });
      return {
        base: refOf(base),
        head: refOf(head),
        merge_base: mergeBase,
        total_commits: oids.length,
        commits: await Promise.all(shown.map(async (oid) => presentCommit(urls, await reader.commit(oid)))),
        diff,
      };
    },
  );
};

export default browseRoutes;

/**
 * Gitea's web raw URLs, `/{owner}/{repo}/raw/{branch|tag|commit}/{ref}/{path}`: what `download_url`
 * and rendered Markdown images point to. Registered without the API prefix.
 */
export const rawPageRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { config } = fastify.forge;
  fastify.get(
    '/:owner/:repo/raw/:kind/*',
    {
      config: { scope: 'read:repository' },
      schema: {
        hide: true,
        params: Type.Object({
          owner: Type.String({ minLength: 1, maxLength: 100 }),
          repo: Type.String({ minLength: 1, maxLength: 100 }),
          kind: Type.Union([Type.Literal('branch'), Type.Literal('tag'), Type.Literal('commit')]),
          '*': Type.String({ maxLength: 4096 }),
        }),
      },
    },
    async (request, reply) => {
      const repo = fastify.policy.requireRepo(request.actor, request.params.owner, request.params.repo, 'repo:read');
      const reader = new RepoReader(repoPath(config.reposDir, repo.owner_name, repo.name));
      const parts = request.params['*'].split('/').filter((p) => p !== '');
      for (let i = 1; i <= parts.length; i++) {
        const ref = await reader.resolve(parts.slice(0, i).join('/'));
        if (ref && ref.kind === request.params.kind) {
          const entry = await reader.entryAt(ref.oid, parts.slice(i).join('/'));
          if (!entry) break;
          return sendRaw(request, reply, reader, entry);
        }
      }
      throw notFound('The file');
    },
  );
};

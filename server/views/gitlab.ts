import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { ForgeError } from '../errors.js';
import { ANONYMOUS, type Actor } from '../auth/policy.js';
import { findRepo, findRepoById, listRepos, type RepoRow } from '../db/repos.js';
import { findUserById, findUserByName, type UserRow } from '../db/users.js';
import { listVisibleOrgs } from '../db/orgs.js';
import { listPublicProjects, ownerReposWithFacts, publicForkCounts, topicsByRepo, type ProjectFilter } from '../db/catalogue.js';
import { repoPath } from '../git/store.js';
import { RepoReader, fileSizes, isBinary, type GitEntry, type ResolvedRef } from '../git/read.js';
import { revList, type CommitDates } from '../git/walk.js';
import { diffCommits } from '../git/diff.js';
import { archiveStream, type ArchiveFormat } from '../git/archive.js';
import { objectsSizeKb } from '../git/size.js';
import { licenceInfo } from '../services/licences.js';
import { repoFacts } from '../services/catalogue.js';
import { protectionFor } from '../services/branch-protections.js';
import {
  presentGitlabCommit,
  presentGitlabCurrentUser,
  presentGitlabUser,
  presentGitlabUserDetail,
  presentGroup,
  presentProject,
  presentSimpleProject,
  type GitlabBranch,
  type GitlabCommit,
  type GitlabCommitDetail,
  type GitlabFile,
  type GitlabLicense,
  type GitlabStatistics,
  type GitlabTag,
  type Project,
  type ProjectExtras,
  type SimpleProject,
} from '../presenters/gitlab.js';
import type { ReadContext } from './context.js';
import { filterAsync } from '../lib/async.js';

/*
 * The GitLab v4 subset is the national public-code catalogue's harvester's view: whoever asks, a
 * project, a user or a group is shown as an anonymous visitor may see it, so a private project is
 * a 404 here (counts included) even to its owner. Only `GET /user` and `GET /projects` with
 * `membership`/`owned` read for the asking actor.
 */

/** A page of a GitLab list, and how many there are in all (X-Total). */
export interface GitlabPage<T> {
  items: T[];
  total: number;
}

/** GitLab's paging of a list: 1-based page, and its size. */
export interface GitlabPaging {
  page: number;
  perPage: number;
}

/** A recursive tree listing stops here, so one request stays bounded. */
const TREE_LIMIT = 10_000;

/** GitLab's 404 body: `404 Project Not Found`. */
export const gitlabNotFound = (what: string) => new ForgeError('not_found', `404 ${what} Not Found`);

function slice<T>(all: T[], paging: GitlabPaging): T[] {
  return all.slice((paging.page - 1) * paging.perPage, paging.page * paging.perPage);
}

const readable = async (ctx: ReadContext, repo: RepoRow | undefined): Promise<boolean> =>
  repo !== undefined && await ctx.policy.can(ANONYMOUS, 'repo:read', { type: 'repo', repo });

/** The project a GitLab `:id` names (a number, or `owner/name`), or GitLab's 404. */
export async function findProject(ctx: ReadContext, id: string): Promise<RepoRow> {
  const parts = id.split('/');
  const repo = /^\d+$/.test(id) ? await findRepoById(ctx.db, Number(id)) : parts.length === 2 ? await findRepo(ctx.db, parts[0], parts[1]) : undefined;
  if (!(await readable(ctx, repo))) throw gitlabNotFound('Project');
  return repo as RepoRow;
}

async function extras(ctx: ReadContext, repos: RepoRow[]): Promise<Map<number, ProjectExtras>> {
  const ids = repos.map((r) => r.id);
  const topics = await topicsByRepo(ctx.db, ids);
  const forks = await publicForkCounts(ctx.db, ids);
  const result = new Map<number, ProjectExtras>();
  for (const repo of repos) {
    const facts = await repoFacts(ctx.db, ctx.config.reposDir, ctx.gitCache, repo);
    result.set(repo.id, { topics: topics.get(repo.id) ?? [], forksCount: forks.get(repo.id) ?? 0, readme: facts.readme_file });
  }
  return result;
}

/** Projects as GitLab shows them, each fork with its public parent. */
export async function presentProjects(ctx: ReadContext, repos: RepoRow[]): Promise<Project[]> {
  const parents = (await filterAsync(await Promise.all(repos.map(async (r) => (r.fork_id === null ? undefined : await findRepoById(ctx.db, r.fork_id)))), (p) => readable(ctx, p))) as RepoRow[];
  const known = await extras(ctx, [...repos, ...parents]);
  return repos.map((repo) => {
    const parent = parents.find((p) => p.id === repo.fork_id);
    return presentProject(repo, known.get(repo.id) as ProjectExtras, ctx.config.baseUrl, parent ? { repo: parent, extras: known.get(parent.id) as ProjectExtras } : null);
  });
}

/** Projects as GitLab's `simple=true` shows them. */
export async function presentSimpleProjects(ctx: ReadContext, repos: RepoRow[]): Promise<SimpleProject[]> {
  const known = await extras(ctx, repos);
  return repos.map((repo) => presentSimpleProject(repo, known.get(repo.id) as ProjectExtras, ctx.config.baseUrl));
}

/** What GitLab's `GET /projects` filters on. */
export type ProjectsFilter = Omit<ProjectFilter, 'limit' | 'offset'> & {
  /** The asker's own projects only: those it is a member of (`membership`), or those it owns (`owned`). */
  mine?: 'membership' | 'owned';
  /** `visibility=public`: only what anyone may read (all that the public listing holds anyway). */
  publicOnly?: boolean;
};

const LIST_SORT = { id: 'id', created_at: 'created', updated_at: 'updated', last_activity_at: 'updated' } as const;

/**
 * One page of the projects GitLab's `GET /projects` lists: the public ones; with `mine`, the actor's
 * own, private ones included only where the actor may read them (a token needs a repository scope),
 * and none for an anonymous visitor, as GitLab answers `membership`/`owned` without a user.
 */
export async function projectRows(ctx: ReadContext, actor: Actor, filter: ProjectsFilter, paging: GitlabPaging): Promise<GitlabPage<RepoRow>> {
  const { mine, publicOnly, ...rest } = filter;
  const window = { limit: paging.perPage, offset: (paging.page - 1) * paging.perPage };
  if (!mine) return pageOf(await listPublicProjects(ctx.db, { ...rest, ...window }));
  const viewer = ctx.policy.listingViewer(actor);
  if (viewer.userId === null) return { items: [], total: 0 };
  return pageOf(
    await listRepos(ctx.db, {
      viewer,
      ...(mine === 'owned' ? { ownedBy: viewer.userId } : { accessibleTo: viewer.userId }),
      q: rest.search,
      archived: rest.archived,
      publicOnly,
      idBefore: rest.idBefore,
      idAfter: rest.idAfter,
      sort: LIST_SORT[rest.orderBy],
      order: rest.sort,
      ...window,
    }),
  );
}

const pageOf = ({ rows, total }: { rows: RepoRow[]; total: number }): GitlabPage<RepoRow> => ({ items: rows, total });

/** GitLab's `license_url` and `license` of a project (`license=true`). */
export async function projectLicense(ctx: ReadContext, repo: RepoRow, webUrl: string): Promise<{ license_url: string | null; license: GitlabLicense | null }> {
  const facts = await repoFacts(ctx.db, ctx.config.reposDir, ctx.gitCache, repo);
  const id = facts.declared_licence ?? facts.detected_licence;
  const info = id ? licenceInfo(id) : null;
  const license: GitlabLicense | null = id
    ? {
        key: id.toLowerCase(),
        name: info?.name ?? id,
        nickname: null,
        html_url: `https://spdx.org/licenses/${encodeURIComponent(id.replace(/\+$/, ''))}.html`,
        source_url: info?.url ?? null,
      }
    : null;
  const branch = repo.is_empty ? null : repo.default_branch;
  const licenseUrl = facts.licence_file && branch ? `${webUrl}/src/branch/${encodeURIComponent(branch)}/${encodeURIComponent(facts.licence_file)}` : null;
  return { license_url: licenseUrl, license };
}

function open(ctx: ReadContext, repo: RepoRow) {
  const reader = new RepoReader(repoPath(ctx.config.reposDir, repo.owner_name, repo.name), ctx.gitCache);
  return { reader, webUrl: `${ctx.config.baseUrl}/${repo.owner_name}/${repo.name}` };
}

/** A ref (branch, tag or commit id; the default branch when absent), or GitLab's 404 of `what`. */
async function resolve(reader: RepoReader, repo: RepoRow, ref: string | undefined, what: string): Promise<ResolvedRef> {
  const resolved = repo.is_empty ? null : await reader.resolve(ref ?? repo.default_branch);
  if (!resolved) throw gitlabNotFound(what);
  return resolved;
}

/** GitLab's project statistics (`statistics=true`): the default branch's commits and the size of the objects on disk. */
export async function projectStatistics(ctx: ReadContext, repo: RepoRow): Promise<GitlabStatistics> {
  const { reader } = open(ctx, repo);
  const head = repo.is_empty ? null : await reader.resolve(repo.default_branch);
  const commits = head ? (await reader.history(head.oid)).length : 0;
  const size = (await objectsSizeKb(reader.gitdir)) * 1024;
  return {
    commit_count: commits,
    storage_size: size,
    repository_size: size,
    wiki_size: 0,
    lfs_objects_size: 0,
    job_artifacts_size: 0,
    pipeline_artifacts_size: 0,
    packages_size: 0,
    snippets_size: 0,
    uploads_size: 0,
    container_registry_size: 0,
  };
}

/** One page of a project's tags, newest name first. */
export async function projectTags(ctx: ReadContext, repo: RepoRow, paging: GitlabPaging): Promise<GitlabPage<GitlabTag>> {
  const { reader, webUrl } = open(ctx, repo);
  const all = repo.is_empty ? [] : await reader.tags();
  const items = await Promise.all(
    slice(all, paging).map(async (tag) => ({
      name: tag.name,
      message: tag.message.trim(),
      target: tag.id,
      commit: presentGitlabCommit(await reader.commit(tag.commit), webUrl),
      release: null,
      protected: false,
    })),
  );
  return { items, total: all.length };
}

/** One tag by name, or GitLab's 404. */
export async function projectTag(ctx: ReadContext, repo: RepoRow, name: string): Promise<GitlabTag> {
  const { reader, webUrl } = open(ctx, repo);
  const tag = repo.is_empty ? undefined : (await reader.tags()).find((t) => t.name === name);
  if (!tag) throw gitlabNotFound('Tag');
  return { name: tag.name, message: tag.message.trim(), target: tag.id, commit: presentGitlabCommit(await reader.commit(tag.commit), webUrl), release: null, protected: false };
}

/** One page of a folder's entries at a ref, the whole subtree with `recursive`. */
export async function projectTree(
  ctx: ReadContext,
  repo: RepoRow,
  query: { ref?: string; path?: string; recursive?: boolean },
  paging: GitlabPaging,
): Promise<GitlabPage<{ id: string; name: string; type: string; path: string; mode: string }>> {
  const { reader } = open(ctx, repo);
  const resolved = await resolve(reader, repo, query.ref, 'Tree');
  const folder = await reader.entryAt(resolved.oid, query.path ?? '');
  if (!folder || folder.type !== 'tree') throw gitlabNotFound('Tree');
  const entries: GitEntry[] = [];
  const visit = async (tree: GitEntry) => {
    for (const entry of await reader.listFolder(tree)) {
      if (entries.length >= TREE_LIMIT) return;
      entries.push(entry);
      if (query.recursive && entry.type === 'tree') await visit(entry);
    }
  };
  await visit(folder);
  return { items: slice(entries, paging).map((e) => ({ id: e.oid, name: e.name, type: e.type, path: e.path, mode: e.mode })), total: entries.length };
}

async function presentBranch(ctx: ReadContext, repo: RepoRow, reader: RepoReader, webUrl: string, branch: { name: string; commit: string }): Promise<GitlabBranch> {
  const isProtected = await protectionFor(ctx.db, repo.id, branch.name) !== null;
  return {
    name: branch.name,
    // Whether the branch is merged into the default one: its head is in the default branch's history.
    merged: branch.name !== repo.default_branch && (await branchMerged(reader, repo, branch.commit)),
    protected: isProtected,
    default: branch.name === repo.default_branch,
    developers_can_push: !isProtected,
    developers_can_merge: !isProtected,
    // The anonymous visitor this API answers for pushes nowhere.
    can_push: false,
    web_url: `${webUrl}/src/branch/${encodeURIComponent(branch.name)}`,
    commit: presentGitlabCommit(await reader.commit(branch.commit), webUrl),
  };
}

async function branchMerged(reader: RepoReader, repo: RepoRow, head: string): Promise<boolean> {
  const base = await reader.resolve(repo.default_branch);
  return base !== null && (await reader.history(base.oid)).includes(head);
}

/** One page of a project's branches, by name; `search` keeps those whose name contains it. */
export async function projectBranches(ctx: ReadContext, repo: RepoRow, search: string | undefined, paging: GitlabPaging): Promise<GitlabPage<GitlabBranch>> {
  const { reader, webUrl } = open(ctx, repo);
  const needle = search?.toLowerCase();
  const all = (repo.is_empty ? [] : await reader.branches()).filter((b) => !needle || b.name.toLowerCase().includes(needle));
  const items = await Promise.all(slice(all, paging).map((b) => presentBranch(ctx, repo, reader, webUrl, b)));
  return { items, total: all.length };
}

/** One branch by name, or GitLab's 404. */
export async function projectBranch(ctx: ReadContext, repo: RepoRow, name: string): Promise<GitlabBranch> {
  const { reader, webUrl } = open(ctx, repo);
  const branch = repo.is_empty ? undefined : (await reader.branches()).find((b) => b.name === name);
  if (!branch) throw gitlabNotFound('Branch');
  return presentBranch(ctx, repo, reader, webUrl, branch);
}

/** One page of a ref's history (of a path, when given; committed within `dates`, when given), newest first. */
export async function projectCommits(
  ctx: ReadContext,
  repo: RepoRow,
  query: { ref_name?: string; path?: string },
  dates: CommitDates,
  paging: GitlabPaging,
): Promise<GitlabPage<GitlabCommit>> {
  const { reader, webUrl } = open(ctx, repo);
  const ref = await resolve(reader, repo, query.ref_name, 'Commit');
  const path = (query.path ?? '').replace(/^\/+|\/+$/g, '');
  // A dated walk is not memoised: each window would be one more cache entry for one request.
  const dated = dates.since !== undefined || dates.until !== undefined;
  const oids = dated ? await revList(reader.gitdir, ref.oid, path, dates) : await reader.history(ref.oid, path);
  const items = await Promise.all(slice(oids, paging).map(async (oid) => presentGitlabCommit(await reader.commit(oid), webUrl)));
  return { items, total: oids.length };
}

/** One commit (by id, branch or tag), with the size of its change. */
export async function projectCommit(ctx: ReadContext, repo: RepoRow, sha: string): Promise<GitlabCommitDetail> {
  const { reader, webUrl } = open(ctx, repo);
  const ref = await resolve(reader, repo, sha, 'Commit');
  const commit = await reader.commit(ref.oid);
  const diff = await diffCommits(reader, commit.parents[0] ?? null, commit.oid, { maxFiles: 10_000, maxLines: Infinity });
  const additions = diff.files.reduce((n, f) => n + f.additions, 0);
  const deletions = diff.files.reduce((n, f) => n + f.deletions, 0);
  return { ...presentGitlabCommit(commit, webUrl), stats: { additions, deletions, total: additions + deletions }, status: null, last_pipeline: null };
}

/** A file at a ref: its bytes and where it was found, or GitLab's `404 File Not Found`. */
export async function projectFile(ctx: ReadContext, repo: RepoRow, path: string, ref: string | undefined): Promise<GitlabFile & { bytes: Uint8Array; binary: boolean }> {
  const { reader } = open(ctx, repo);
  const resolved = await resolve(reader, repo, ref, 'File');
  const entry = await reader.entryAt(resolved.oid, path);
  if (!entry || entry.type !== 'blob') throw gitlabNotFound('File');
  const bytes = await reader.blob(entry.oid);
  const [last] = await reader.history(resolved.oid, entry.path);
  return {
    file_name: entry.name,
    file_path: entry.path,
    size: bytes.length,
    encoding: 'base64',
    content_sha256: createHash('sha256').update(bytes).digest('hex'),
    ref: ref ?? repo.default_branch,
    blob_id: entry.oid,
    commit_id: resolved.oid,
    last_commit_id: last ?? resolved.oid,
    execute_filemode: entry.mode === '100755',
    content: Buffer.from(bytes).toString('base64'),
    bytes,
    binary: isBinary(bytes),
  };
}

/**
 * An archive of a ref (the default branch when absent), streamed by git; with `path`, only that
 * subtree (GitLab's `404 Path Not Found` when the ref has no such path).
 */
export async function projectArchive(
  ctx: ReadContext,
  repo: RepoRow,
  query: { sha?: string; path?: string },
  format: ArchiveFormat,
): Promise<{ filename: string; stream: Readable }> {
  const { reader } = open(ctx, repo);
  const ref = await resolve(reader, repo, query.sha, 'Commit');
  const entry = await reader.entryAt(ref.oid, query.path ?? '');
  if (!entry) throw gitlabNotFound('Path');
  const label = ref.kind === 'commit' ? '' : `-${ref.name.replace(/[^A-Za-z0-9._-]+/g, '-')}`;
  // GitLab names the archive and its top folder `<project>-<ref>-<sha>`, then `-<path>` with `/` as `-`.
  const name = `${repo.name}${label}-${ref.oid}${entry.path === '' ? '' : `-${entry.path.replace(/[^A-Za-z0-9._-]+/g, '-')}`}`;
  return { filename: `${name}.${format}`, stream: archiveStream(reader.gitdir, ref.oid, format, name, entry.path) };
}

const isPublicUser = (user: UserRow | undefined): user is UserRow => user !== undefined && user.type === 'user' && user.visibility === 'public';

/** A public account looked up by name, as GitLab's `GET /users?username=` lists it. */
export async function usersNamed(ctx: ReadContext, username: string): Promise<ReturnType<typeof presentGitlabUser>[]> {
  const user = await findUserByName(ctx.db, username);
  return isPublicUser(user) ? [presentGitlabUser(user, ctx.config.baseUrl)] : [];
}

/** A public account by id (or name), or GitLab's `404 User Not Found`. */
export async function publicUser(ctx: ReadContext, id: string): Promise<ReturnType<typeof presentGitlabUserDetail>> {
  const user = /^\d+$/.test(id) ? await findUserById(ctx.db, Number(id)) : await findUserByName(ctx.db, id);
  if (!isPublicUser(user)) throw gitlabNotFound('User');
  return presentGitlabUserDetail(user, ctx.config.baseUrl);
}

/** The signed-in account itself; anyone else is GitLab's `401 Unauthorized`. */
export function currentUser(ctx: ReadContext, actor: Actor): ReturnType<typeof presentGitlabCurrentUser> {
  if (actor.kind !== 'user') throw new ForgeError('unauthorized', '401 Unauthorized');
  return presentGitlabCurrentUser(actor.user, ctx.config.baseUrl);
}

/** The public organisation a group `:id` names (a number or a name), or GitLab's 404. */
async function findGroup(ctx: ReadContext, id: string): Promise<UserRow> {
  const org = /^\d+$/.test(id) ? await findUserById(ctx.db, Number(id)) : await findUserByName(ctx.db, id);
  if (!org || org.type !== 'org' || !await ctx.policy.can(ANONYMOUS, 'org:read', { type: 'org', org })) throw gitlabNotFound('Group');
  return org;
}

/** One public group. */
export async function publicGroup(ctx: ReadContext, id: string): Promise<ReturnType<typeof presentGroup>> {
  return presentGroup(await findGroup(ctx, id), ctx.config.baseUrl);
}

/** One page of the public groups, by name; `search` matches names and descriptions. */
export async function groupsPage(ctx: ReadContext, search: string | undefined, paging: GitlabPaging): Promise<GitlabPage<ReturnType<typeof presentGroup>>> {
  const { rows, total } = await listVisibleOrgs(ctx.db, ctx.policy.listingViewer(ANONYMOUS), paging.perPage, (paging.page - 1) * paging.perPage, search ?? '');
  return { items: rows.map((org) => presentGroup(org, ctx.config.baseUrl)), total };
}

/** One page of a public group's public projects, by name. */
export async function groupProjectRows(ctx: ReadContext, id: string, paging: GitlabPaging): Promise<GitlabPage<RepoRow>> {
  const org = await findGroup(ctx, id);
  const all = await filterAsync(await ownerReposWithFacts(ctx.db, org.id), (repo) => readable(ctx, repo));
  return { items: slice(all, paging), total: all.length };
}

/**
 * Programming and markup languages by file extension, with GitLab's (Linguist's) names. Prose
 * (Markdown, plain text) and data are left out, as Linguist leaves them out of a project's languages.
 */
const LANGUAGES: Record<string, string> = {
  c: 'C', h: 'C', cc: 'C++', cpp: 'C++', cxx: 'C++', hpp: 'C++', cs: 'C#', css: 'CSS', scss: 'SCSS', sass: 'Sass', less: 'Less',
  go: 'Go', html: 'HTML', htm: 'HTML', java: 'Java', js: 'JavaScript', mjs: 'JavaScript', cjs: 'JavaScript', jsx: 'JavaScript',
  ts: 'TypeScript', mts: 'TypeScript', cts: 'TypeScript', tsx: 'TSX', vue: 'Vue', svelte: 'Svelte', py: 'Python', rb: 'Ruby',
  php: 'PHP', rs: 'Rust', kt: 'Kotlin', kts: 'Kotlin', swift: 'Swift', scala: 'Scala', sh: 'Shell', bash: 'Shell', pl: 'Perl',
  lua: 'Lua', r: 'R', dart: 'Dart', ex: 'Elixir', exs: 'Elixir', erl: 'Erlang', hs: 'Haskell', ml: 'OCaml', clj: 'Clojure',
  groovy: 'Groovy', sql: 'PLpgSQL', tf: 'HCL', ps1: 'PowerShell', m: 'Objective-C', f90: 'Fortran', jl: 'Julia', zig: 'Zig',
  twig: 'Twig', erb: 'HTML+ERB', xsl: 'XSLT', tex: 'TeX',
};
const LANGUAGE_BY_NAME: Record<string, string> = { dockerfile: 'Dockerfile', makefile: 'Makefile', 'cmakelists.txt': 'CMake', rakefile: 'Ruby', gemfile: 'Ruby' };

function languageOf(path: string): string | undefined {
  const name = (path.split('/').pop() ?? '').toLowerCase();
  if (LANGUAGE_BY_NAME[name]) return LANGUAGE_BY_NAME[name];
  const dot = name.lastIndexOf('.');
  return dot > 0 ? LANGUAGES[name.slice(dot + 1)] : undefined;
}

/** The bytes of each language in the default branch, largest first (Gitea's `/languages`; GitLab's share is computed from it). */
export async function languageBytes(ctx: ReadContext, repo: RepoRow): Promise<Array<[string, number]>> {
  const { reader } = open(ctx, repo);
  const head = repo.is_empty ? null : await reader.resolve(repo.default_branch);
  if (!head) return [];
  const bytes = new Map<string, number>();
  for (const file of await fileSizes(reader.gitdir, head.oid)) {
    const language = languageOf(file.path);
    if (language) bytes.set(language, (bytes.get(language) ?? 0) + file.size);
  }
  return [...bytes].sort((a, b) => b[1] - a[1]);
}

/** GitLab's `GET /projects/:id/languages`: each language's share of the default branch's bytes, in percent, largest first. */
export async function projectLanguages(ctx: ReadContext, repo: RepoRow): Promise<Record<string, number>> {
  const sorted = await languageBytes(ctx, repo);
  const total = sorted.reduce((sum, [, size]) => sum + size, 0);
  return Object.fromEntries(sorted.map(([language, size]) => [language, Math.round((size / total) * 10_000) / 100]));
}

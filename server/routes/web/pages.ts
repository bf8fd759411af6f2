import type { FastifyInstance, FastifyRequest } from 'fastify';
import { findUserByName } from '../../db/users.js';
import { findRepo, findRepoRedirect } from '../../db/repos.js';
import { repoPath } from '../../git/store.js';
import { RepoReader } from '../../git/read.js';
import { languageOf, type PageHead } from '../../lib/shell.js';

/** What the server fills into the shell for a page URL, and whether the page exists for this visitor. */
export interface PageAnswer {
  head?: Partial<PageHead>;
  /** False for an owner or repository that does not exist or that this visitor may not see (both alike). */
  found: boolean;
  /** Where a renamed or transferred repository's page now is, for a visitor who may read it. */
  redirect?: string;
}

/** First path segments that are the app's own pages, never an owner. */
const APP_PAGES = new Set(['', 'explore', 'accessibilite', 'user', 'login', 'admin', 'setup', 'settings', 'repo', 'org', 'assets', 'api']);

const TEXT = {
  fr: {
    repo: (name: string) => `Code source de ${name}, publié sur Fabrique.`,
    owner: (name: string) => `Les dépôts de ${name} sur Fabrique.`,
    history: 'Historique',
    commit: 'Commit',
    branches: 'Branches',
    tags: 'Étiquettes',
    compare: 'Comparer',
  },
  en: {
    repo: (name: string) => `Source code of ${name}, published on Fabrique.`,
    owner: (name: string) => `${name}'s repositories on Fabrique.`,
    history: 'History',
    commit: 'Commit',
    branches: 'Branches',
    tags: 'Tags',
    compare: 'Compare',
  },
} as const;

const decode = (part: string) => {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
};

/**
 * The same page of a repository that was renamed or transferred away from `/{owner}/{name}`, if the
 * visitor may read it; otherwise undefined, so that the old name shows nothing more than an unknown one.
 */
function movedPage(fastify: FastifyInstance, request: FastifyRequest, ownerName: string, repoName: string): string | undefined {
  const { db } = fastify.forge;
  if (findRepo(db, ownerName, repoName)) return undefined;
  const repo = findRepoRedirect(db, ownerName, repoName);
  if (!repo || !fastify.policy.can(request.actor, 'repo:read', { type: 'repo', repo })) return undefined;
  const [path, query] = request.url.split(/\?(.*)/s, 2);
  // The rest of the path as the visitor wrote it (still percent-encoded), after /{owner}/{name}.
  const rest = path.split('/').slice(3).join('/');
  const target = `/${encodeURIComponent(repo.owner_name)}/${encodeURIComponent(repo.name)}${rest ? `/${rest}` : ''}`;
  return query ? `${target}?${query}` : target;
}

/**
 * The title and description of a page URL, for crawlers and link previews that run no JavaScript:
 * `/{owner}`, `/{owner}/{repo}` and its pages (`src/...`, `commits/...`, `commit/{sha}`, ...).
 * A repository or an owner the visitor may not see gets the generic head and a 404, exactly like
 * one that does not exist, so the shell leaks no private name or description.
 */
export async function pageHead(fastify: FastifyInstance, request: FastifyRequest): Promise<PageAnswer> {
  const segments = request.url.split('?')[0].split('/').filter((s) => s !== '').map(decode);
  if (segments.length === 0 || APP_PAGES.has(segments[0].toLowerCase())) return { found: true };
  const text = TEXT[languageOf(request)];
  const [ownerName, repoName, page, ...rest] = segments;

  if (repoName === undefined) {
    const owner = findUserByName(fastify.forge.db, ownerName);
    const visible =
      owner &&
      (owner.type === 'org'
        ? fastify.policy.can(request.actor, 'org:read', { type: 'org', org: owner })
        : fastify.policy.can(request.actor, 'user:read', { type: 'user', user: owner }));
    if (!owner || !visible) return { found: false };
    return {
      found: true,
      head: { title: owner.full_name ? `${owner.full_name} (${owner.username})` : owner.username, description: owner.description || text.owner(owner.username) },
    };
  }

  let repo;
  try {
    repo = fastify.policy.requireRepo(request.actor, ownerName, repoName.replace(/\.git$/, ''), 'repo:read');
  } catch {
    return { found: false, redirect: movedPage(fastify, request, ownerName, repoName) };
  }
  const full = `${repo.owner_name}/${repo.name}`;
  const description = repo.description || text.repo(full);
  let title = full;
  if ((page === 'src' || page === 'commits') && rest.length >= 2) {
    // /src/{branch|tag|commit}/{ref}/{path}: the ref may hold slashes; the file name is the last part.
    const path = rest.slice(2).join('/');
    title = page === 'commits' ? `${text.history} · ${full}` : path ? `${path} · ${full}` : full;
  } else if (page === 'commit' && rest[0]) {
    const reader = new RepoReader(repoPath(fastify.forge.config.reposDir, repo.owner_name, repo.name));
    const ref = await reader.resolve(rest[0]).catch(() => null);
    const commit = ref ? await reader.findCommit(ref.oid) : null;
    title = commit ? `${commit.message.split('\n', 1)[0]} · ${full}@${commit.oid.slice(0, 10)}` : `${text.commit} · ${full}`;
  } else if (page === 'branches') title = `${text.branches} · ${full}`;
  else if (page === 'tags') title = `${text.tags} · ${full}`;
  else if (page === 'compare') title = `${text.compare} ${rest.join('/')} · ${full}`;
  return { found: true, head: { title, description } };
}

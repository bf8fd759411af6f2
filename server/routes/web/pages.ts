import type { FastifyInstance, FastifyRequest } from 'fastify';
import { findUserByName } from '../../db/users.js';
import { findRepo, findRepoRedirect, type RepoRow } from '../../db/repos.js';
import { repoPath } from '../../git/store.js';
import { RepoReader } from '../../git/read.js';
import { findPull } from '../../db/pulls.js';
import { languageOf, type PageHead } from '../../lib/shell.js';
import { PAGES, PatternMatcher, type PageName, type RouteParams } from '../../../contract/routes.js';

/** What the server fills into the shell for a page URL, and whether the page exists for this visitor. */
export interface PageAnswer {
  head?: Partial<PageHead>;
  /** False for an owner or repository that does not exist or that this visitor may not see (both alike). */
  found: boolean;
  /** Where a renamed or transferred repository's page now is, for a visitor who may read it. */
  redirect?: string;
}

/** The web app's pages: the same table, so the server and the app agree on what a URL is. */
const pages = new PatternMatcher(PAGES);

const TEXT = {
  fr: {
    repo: (name: string) => `Code source de ${name}, publié sur Fabrique.`,
    owner: (name: string) => `Les dépôts de ${name} sur Fabrique.`,
    history: 'Historique',
    commit: 'Commit',
    branches: 'Branches',
    tags: 'Étiquettes',
    compare: 'Comparer',
    pull: 'Demande de fusion',
  },
  en: {
    repo: (name: string) => `Source code of ${name}, published on Fabrique.`,
    owner: (name: string) => `${name}'s repositories on Fabrique.`,
    history: 'History',
    commit: 'Commit',
    branches: 'Branches',
    tags: 'Tags',
    compare: 'Compare',
    pull: 'Pull request',
  },
} as const;

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
  const matched = pages.match(request.url.split('?')[0]);
  // A URL no page answers: the app shows its not-found page.
  if (!matched) return { found: false };
  const { route, params } = matched;
  if (!('owner' in params)) return { found: true };
  const text = TEXT[languageOf(request)];

  if (route.name === 'owner') {
    const owner = findUserByName(fastify.forge.db, params.owner);
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
    repo = fastify.policy.requireRepo(request.actor, params.owner, params.repo.replace(/\.git$/, ''), 'repo:read');
  } catch {
    return { found: false, redirect: movedPage(fastify, request, params.owner, params.repo) };
  }
  const full = `${repo.owner_name}/${repo.name}`;
  return { found: true, head: { title: await repoPageTitle(fastify, repo, route.name, params, text), description: repo.description || text.repo(full) } };
}

/** The title of a repository's page: what the page shows first (a path, a commit's subject, a pull request's title), then the repository. */
async function repoPageTitle(
  fastify: FastifyInstance,
  repo: RepoRow,
  page: PageName,
  params: RouteParams,
  text: (typeof TEXT)[keyof typeof TEXT],
): Promise<string> {
  const full = `${repo.owner_name}/${repo.name}`;
  switch (page) {
    case 'tree':
      return params.path ? `${params.path} · ${full}` : full;
    case 'commits':
      return `${text.history} · ${full}`;
    case 'commit': {
      const reader = new RepoReader(repoPath(fastify.forge.config.reposDir, repo.owner_name, repo.name));
      const ref = await reader.resolve(params.sha).catch(() => null);
      const commit = ref ? await reader.findCommit(ref.oid) : null;
      return commit ? `${commit.message.split('\n', 1)[0]} · ${full}@${commit.oid.slice(0, 10)}` : `${text.commit} · ${full}`;
    }
    case 'branches':
      return `${text.branches} · ${full}`;
    case 'tags':
      return `${text.tags} · ${full}`;
    case 'compare':
      return `${text.compare} ${params.spec} · ${full}`;
    case 'pull':
    case 'pullCommits':
    case 'pullFiles': {
      const pull = /^[0-9]{1,9}$/.test(params.number) ? findPull(fastify.forge.db, repo.id, Number(params.number)) : undefined;
      return `${pull ? pull.title : text.pull} #${params.number} · ${full}`;
    }
    default:
      return full;
  }
}

import type { Actor } from '../auth/policy.js';
import { findUserByName } from '../db/users.js';
import type { RepoRow } from '../db/repos.js';
import { listPublicPages, type SitemapEntry } from '../db/sitemap.js';
import { repoPath } from '../git/store.js';
import { RepoReader } from '../git/read.js';
import type { PageHead } from '../lib/shell.js';
import type { Language } from '../../contract/languages.js';
import { PAGES, PatternMatcher, type PageName, type RouteParams } from '../../contract/routes.js';
import type { ReadContext } from './context.js';
import { locateRepository } from './repository.js';
import { findPullRequest } from './pull-request.js';

export type { SitemapEntry };

/** What the server fills into the shell for a page URL, and whether the page exists for this visitor. */
export interface PageAnswer {
  head?: Partial<PageHead>;
  /** False for an owner or repository that does not exist or that this visitor may not see (both alike). */
  found: boolean;
  /**
   * A renamed or transferred repository that this visitor may read: the page moved to it. `pattern`
   * is the page's route pattern, which says where `:owner` and `:repo` are in the address.
   */
  moved?: { repo: RepoRow; pattern: string };
}

/** The web app's pages: the same table, so the server and the app agree on what a URL is. */
const pages = new PatternMatcher(PAGES);

const TEXT = {
  fr: {
    repo: (name: string, site: string) => `Code source de ${name}, publié sur ${site}.`,
    owner: (name: string, site: string) => `Les dépôts de ${name} sur ${site}.`,
    history: 'Historique',
    commit: 'Commit',
    branches: 'Branches',
    tags: 'Étiquettes',
    compare: 'Comparer',
    pull: 'Demande de fusion',
    releases: 'Versions',
  },
  en: {
    repo: (name: string, site: string) => `Source code of ${name}, published on ${site}.`,
    owner: (name: string, site: string) => `${name}'s repositories on ${site}.`,
    history: 'History',
    commit: 'Commit',
    branches: 'Branches',
    tags: 'Tags',
    compare: 'Compare',
    pull: 'Pull request',
    releases: 'Releases',
  },
} as const;

/**
 * The title and description of a page URL, for crawlers and link previews that run no JavaScript:
 * `/{owner}`, `/{owner}/{repo}` and its pages (`src/...`, `commits/...`, `commit/{sha}`, ...).
 * A repository or an owner the visitor may not see gets the generic head and a 404, exactly like
 * one that does not exist, so the shell leaks no private name or description.
 */
export async function pageHead(ctx: ReadContext, actor: Actor, path: string, lang: Language): Promise<PageAnswer> {
  const matched = pages.match(path);
  // A URL no page answers: the app shows its not-found page.
  if (!matched) return { found: false };
  const { route, params } = matched;
  if (route.name === 'org') {
    const org = await findUserByName(ctx.db, params.org);
    return { found: !!org && org.type === 'org' && await ctx.policy.can(actor, 'org:read', { type: 'org', org }) };
  }
  if (!('owner' in params)) return { found: true };
  const text = TEXT[lang];

  if (route.name === 'owner') {
    const owner = await findUserByName(ctx.db, params.owner);
    const visible =
      owner &&
      (owner.type === 'org'
        ? await ctx.policy.can(actor, 'org:read', { type: 'org', org: owner })
        : await ctx.policy.can(actor, 'user:read', { type: 'user', user: owner }));
    if (!owner || !visible) return { found: false };
    return {
      found: true,
      head: { title: owner.full_name ? `${owner.full_name} (${owner.username})` : owner.username, description: owner.description || text.owner(owner.username, ctx.config.siteName) },
    };
  }

  const location = await locateRepository(ctx, actor, params.owner, params.repo.replace(/\.git$/, ''));
  if (location === null) return { found: false };
  if ('moved' in location) return { found: false, moved: { repo: location.moved, pattern: route.pattern } };
  const { repo } = location;
  // A missing file or commit of a repository the visitor sees: a 404, with the head of what was asked.
  const found = route.name === 'tree' || route.name === 'commit' ? await existsInRepository(ctx, repo, route.name, params) : true;
  const full = `${repo.owner_name}/${repo.name}`;
  const title = await repoPageTitle(ctx, repo, route.name, params, text);
  return { found, head: { title, description: repo.description || text.repo(full, ctx.config.siteName), feeds: repoFeeds(repo, route.name, params, text) } };
}

/**
 * Whether the file or folder (`tree`: `{kind}/{ref}/{path}`, a ref name may hold slashes) or the
 * commit (`commit`) a page shows exists, so that a mistyped path answers 404 like a missing repository.
 */
async function existsInRepository(ctx: ReadContext, repo: RepoRow, page: 'tree' | 'commit', params: RouteParams): Promise<boolean> {
  const reader = new RepoReader(repoPath(ctx.config.reposDir, repo.owner_name, repo.name), ctx.gitCache);
  if (page === 'commit') return (await reader.resolve(params.sha).catch(() => null)) !== null;
  // An empty repository has no ref yet: its pages still show how to push the first commit.
  if (repo.is_empty) return true;
  const parts = [params.ref, ...params.path.split('/')].filter((part) => part !== '');
  for (let i = 1; i <= parts.length; i++) {
    const ref = await reader.resolve(parts.slice(0, i).join('/')).catch(() => null);
    if (ref && ref.kind === params.kind && (await reader.entryAt(ref.oid, parts.slice(i).join('/')))) return true;
  }
  return false;
}

/** The feeds a repository's pages announce: its releases, and the commits of the branch a page shows. */
function repoFeeds(repo: RepoRow, page: PageName, params: RouteParams, text: (typeof TEXT)[Language]): Array<{ title: string; href: string }> {
  const base = `/${encodeURIComponent(repo.owner_name)}/${encodeURIComponent(repo.name)}`;
  const feeds = [{ title: `${text.releases} · ${repo.owner_name}/${repo.name}`, href: `${base}/releases.atom` }];
  const branch = page === 'repo' ? repo.default_branch : (page === 'tree' || page === 'commits') && params.kind === 'branch' ? params.ref : null;
  if (branch && !repo.is_empty) feeds.push({ title: `${text.history} ${branch} · ${repo.owner_name}/${repo.name}`, href: `${base}/atom/branch/${branch.split('/').map(encodeURIComponent).join('/')}` });
  return feeds;
}

/** The title of a repository's page: what the page shows first (a path, a commit's subject, a pull request's title), then the repository. */
async function repoPageTitle(ctx: ReadContext, repo: RepoRow, page: PageName, params: RouteParams, text: (typeof TEXT)[Language]): Promise<string> {
  const full = `${repo.owner_name}/${repo.name}`;
  switch (page) {
    case 'tree':
      return params.path ? `${params.path} · ${full}` : full;
    case 'commits':
      return `${text.history} · ${full}`;
    case 'commit': {
      const reader = new RepoReader(repoPath(ctx.config.reposDir, repo.owner_name, repo.name), ctx.gitCache);
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
    case 'releases':
      return `${text.releases} · ${full}`;
    case 'release':
      return `${params.tag} · ${text.releases} · ${full}`;
    case 'pull':
    case 'pullCommits':
    case 'pullFiles': {
      const pull = /^[0-9]{1,9}$/.test(params.number) ? await findPullRequest(ctx, repo, Number(params.number)) : undefined;
      return `${pull ? pull.title : text.pull} #${params.number} · ${full}`;
    }
    default:
      return full;
  }
}

/**
 * What a sitemap lists: public repositories of public owners and public organisations, everything an
 * anonymous visitor can browse, newest first, at most `limit` of each.
 */
export async function sitemapPages(ctx: ReadContext, limit: number): Promise<{ repos: SitemapEntry[]; orgs: SitemapEntry[] }> {
  return await listPublicPages(ctx.db, limit);
}

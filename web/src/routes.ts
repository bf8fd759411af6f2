import { html, type TemplateResult } from 'lit';
import { Router, type RouteMatch, type RoutePattern } from './router.js';
import { t } from './i18n/index.js';
import type { RefKind } from './api/browse.js';
import './pages/fab-explore-page.js';
import './pages/fab-not-found-page.js';

/** A page of the app: its URL pattern, its name in `<title>`, and what `<main>` shows. */
export interface AppRoute extends RoutePattern {
  /** The page's name, shown as "<title> · Fabrique"; called again when the language changes. */
  title(match: RouteMatch<AppRoute>): string;
  /** The page element; it renders the one `<h1>` of the page. */
  render(match: RouteMatch<AppRoute>): TemplateResult;
  /**
   * Loads the page's module (its own chunk) the first time the route is shown; Lit upgrades the
   * element when it arrives. Pages without it are in the main bundle.
   */
  load?: () => Promise<unknown>;
}

const pageOf = (url: URL) => Math.max(1, Number.parseInt(url.searchParams.get('page') ?? '1', 10) || 1);
const repoTitle = (match: RouteMatch<AppRoute>, name: string) => `${name} · ${match.params.owner}/${match.params.repo}`;

function renderExplore(match: RouteMatch<AppRoute>): TemplateResult {
  const sort = match.url.searchParams.get('sort') === 'alpha' ? 'alpha' : 'updated';
  return html`<fab-explore-page .query=${match.url.searchParams.get('q') ?? ''} .sort=${sort} .page=${pageOf(match.url)}></fab-explore-page>`;
}

/** The repository and owner pages: patterns that would shadow any literal path listed after them. */
const repositoryRoutes: readonly AppRoute[] = [
  {
    pattern: '/:owner/:repo/src/:kind/:ref/*path',
    title: (m) => repoTitle(m, m.params.path || m.params.ref),
    load: () => import('./pages/fab-repo-tree-page.js'),
    render: (m) =>
      html`<fab-repo-tree-page
        .owner=${m.params.owner}
        .repo=${m.params.repo}
        .kind=${m.params.kind as RefKind}
        .ref=${m.params.ref}
        .path=${m.params.path}
        .display=${m.url.searchParams.get('display') === 'source' ? 'source' : 'rendered'}
      ></fab-repo-tree-page>`,
  },
  {
    pattern: '/:owner/:repo/commits/:kind/:ref/*path',
    title: (m) => repoTitle(m, m.params.path ? t('commits.headingPath', { path: m.params.path }) : t('commits.heading', { ref: m.params.ref })),
    load: () => import('./pages/fab-repo-commits-page.js'),
    render: (m) =>
      html`<fab-repo-commits-page
        .owner=${m.params.owner}
        .repo=${m.params.repo}
        .kind=${m.params.kind as RefKind}
        .ref=${m.params.ref}
        .path=${m.params.path}
        .page=${pageOf(m.url)}
      ></fab-repo-commits-page>`,
  },
  {
    pattern: '/:owner/:repo/commit/:sha',
    title: (m) => repoTitle(m, t('commit.heading', { sha: m.params.sha.slice(0, 10) })),
    load: () => import('./pages/fab-repo-commit-page.js'),
    render: (m) => html`<fab-repo-commit-page .owner=${m.params.owner} .repo=${m.params.repo} .sha=${m.params.sha}></fab-repo-commit-page>`,
  },
  {
    pattern: '/:owner/:repo/branches',
    title: (m) => repoTitle(m, t('repo.branches')),
    load: () => import('./pages/fab-repo-branches-page.js'),
    render: (m) => html`<fab-repo-branches-page .owner=${m.params.owner} .repo=${m.params.repo}></fab-repo-branches-page>`,
  },
  {
    pattern: '/:owner/:repo/tags',
    title: (m) => repoTitle(m, t('repo.tags')),
    load: () => import('./pages/fab-repo-tags-page.js'),
    render: (m) => html`<fab-repo-tags-page .owner=${m.params.owner} .repo=${m.params.repo}></fab-repo-tags-page>`,
  },
  {
    pattern: '/:owner/:repo/compare/*spec',
    title: (m) => repoTitle(m, m.params.spec),
    load: () => import('./pages/fab-repo-compare-page.js'),
    render: (m) => html`<fab-repo-compare-page .owner=${m.params.owner} .repo=${m.params.repo} .spec=${m.params.spec}></fab-repo-compare-page>`,
  },
  {
    pattern: '/:owner/:repo/pulls',
    title: (m) => repoTitle(m, t('pulls.title')),
    load: () => import('./pages/fab-pulls-page.js'),
    render: (m) => {
      const state = m.url.searchParams.get('state');
      return html`<fab-pulls-page
        .owner=${m.params.owner}
        .repo=${m.params.repo}
        .state=${state === 'closed' || state === 'all' ? state : 'open'}
        .page=${pageOf(m.url)}
      ></fab-pulls-page>`;
    },
  },
  {
    pattern: '/:owner/:repo/pulls/new',
    title: (m) => repoTitle(m, t('newPull.title')),
    load: () => import('./pages/fab-new-pull-page.js'),
    render: (m) =>
      html`<fab-new-pull-page
        .owner=${m.params.owner}
        .repo=${m.params.repo}
        .base=${m.url.searchParams.get('base') ?? ''}
        .head=${m.url.searchParams.get('head') ?? ''}
      ></fab-new-pull-page>`,
  },
  ...(['conversation', 'commits', 'files'] as const).map(
    (tab): AppRoute => ({
      pattern: tab === 'conversation' ? '/:owner/:repo/pulls/:number' : `/:owner/:repo/pulls/:number/${tab}`,
      title: (m) => repoTitle(m, t('pulls.headingNumber', { number: m.params.number })),
      load: () => import('./pages/fab-pull-page.js'),
    render: (m) =>
        html`<fab-pull-page .owner=${m.params.owner} .repo=${m.params.repo} .number=${Number(m.params.number)} .tab=${tab}></fab-pull-page>`,
    }),
  ),
  ...(['edit', 'new'] as const).map(
    (mode): AppRoute => ({
      pattern: `/:owner/:repo/_${mode}/*target`,
      title: (m) => repoTitle(m, mode === 'edit' ? t('edit.title', { name: m.params.target.split('/').pop() ?? '' }) : t('edit.newTitle')),
      load: () => import('./pages/fab-edit-file-page.js'),
    render: (m) => html`<fab-edit-file-page .owner=${m.params.owner} .repo=${m.params.repo} .mode=${mode} .target=${m.params.target}></fab-edit-file-page>`,
    }),
  ),
  {
    pattern: '/:owner/:repo/settings',
    title: (m) => repoTitle(m, t('repoSettings.title')),
    load: () => import('./pages/fab-repo-settings-page.js'),
    render: (m) => html`<fab-repo-settings-page .owner=${m.params.owner} .repo=${m.params.repo}></fab-repo-settings-page>`,
  },
  {
    pattern: '/:owner/:repo',
    title: (m) => `${m.params.owner}/${m.params.repo}`,
    load: () => import('./pages/fab-repo-home-page.js'),
    render: (m) => html`<fab-repo-home-page .owner=${m.params.owner} .repo=${m.params.repo}></fab-repo-home-page>`,
  },
  {
    pattern: '/:owner',
    title: (m) => m.params.owner,
    load: () => import('./pages/fab-user-page.js'),
    render: (m) => html`<fab-user-page .owner=${m.params.owner} .page=${pageOf(m.url)}></fab-user-page>`,
  },
];

/**
 * Every page of the app, first match wins. To add one: write `pages/fab-<name>-page.ts`, import it
 * above, and add a line, e.g.
 * `{ pattern: '/:owner/:repo/src/branch/:branch/*path', title: (m) => `${m.params.owner}/${m.params.repo}`, render: (m) => html`...` }`.
 * Literal top-level paths (`/explore`, `/setup`) come before `/:owner` patterns; the server reserves those names.
 */
export const routes: readonly AppRoute[] = [
  { pattern: '/', title: () => t('explore.title'), render: renderExplore },
  { pattern: '/explore', title: () => t('explore.title'), render: renderExplore },
  {
    pattern: '/setup',
    title: () => t('setup.title'),
    load: () => import('./pages/fab-setup-page.js'),
    render: (match) => html`<fab-setup-page .token=${match.url.searchParams.get('token') ?? ''}></fab-setup-page>`,
  },
  {
    pattern: '/accessibilite',
    title: () => t('a11y.title'),
    load: () => import('./pages/fab-accessibility-page.js'),
    render: () => html`<fab-accessibility-page></fab-accessibility-page>`,
  },
  {
    pattern: '/catalogue',
    title: () => t('catalogue.title'),
    load: () => import('./pages/fab-catalogue-page.js'),
    render: (m) =>
      html`<fab-catalogue-page
        .query=${m.url.searchParams.get('q') ?? ''}
        .organisation=${m.url.searchParams.get('organisation') ?? ''}
        .status=${m.url.searchParams.get('status') ?? ''}
        .license=${m.url.searchParams.get('license') ?? ''}
        .category=${m.url.searchParams.get('category') ?? ''}
        .page=${pageOf(m.url)}
      ></fab-catalogue-page>`,
  },
  {
    pattern: '/user/login',
    title: () => t('signin.title'),
    load: () => import('./pages/fab-signin-page.js'),
    render: (match) =>
      html`<fab-signin-page .error=${match.url.searchParams.get('error') ?? ''} .redirectTo=${match.url.searchParams.get('redirect_to') ?? ''}></fab-signin-page>`,
  },
  {
    pattern: '/user/sign_up',
    title: () => t('signup.title'),
    load: () => import('./pages/fab-signup-page.js'),
    render: (match) => html`<fab-signup-page .redirectTo=${match.url.searchParams.get('redirect_to') ?? ''}></fab-signup-page>`,
  },
  {
    pattern: '/user/settings/applications',
    title: () => t('tokens.title'),
    load: () => import('./pages/fab-settings-tokens-page.js'),
    render: () => html`<fab-settings-tokens-page></fab-settings-tokens-page>`,
  },
  {
    pattern: '/repo/create',
    title: () => t('newRepo.title'),
    load: () => import('./pages/fab-new-repo-page.js'),
    render: () => html`<fab-new-repo-page></fab-new-repo-page>`,
  },
  {
    pattern: '/repo/migrate',
    title: () => t('migrate.title'),
    load: () => import('./pages/fab-migrate-page.js'),
    render: () => html`<fab-migrate-page></fab-migrate-page>`,
  },
  {
    pattern: '/org/create',
    title: () => t('newOrg.title'),
    load: () => import('./pages/fab-new-org-page.js'),
    render: () => html`<fab-new-org-page></fab-new-org-page>`,
  },
  {
    pattern: '/org/:org',
    title: (m) => m.params.org,
    load: () => import('./pages/fab-org-page.js'),
    render: (m) => html`<fab-org-page .org=${m.params.org}></fab-org-page>`,
  },
  // Last: `/:owner` would also match every literal path listed after it.
  ...repositoryRoutes,
];

/** What `<main>` shows when no route matches. */
export const notFoundRoute = {
  title: () => t('notFound.title'),
  render: (url: URL) => html`<fab-not-found-page .path=${url.pathname}></fab-not-found-page>`,
};

/** The app's one router: pages call `router.navigate(href)` to move without a page load. */
export const router = new Router(routes);

import { html, type TemplateResult } from 'lit';
import { Router, type RouteMatch } from './router.js';
import { t, type MessageKey } from './i18n/index.js';
import type { RefKind } from './api/browse.js';
import { PAGES, type Page } from '../../contract/routes.js';
import './pages/fab-not-found-page.js';

/** A page of the app: its entry in the contract's page table, its name in `<title>`, and what `<main>` shows. */
export type AppRoute = Page & {
  /** The page's name, shown as "<title> · Fabrique"; called again when the language changes. */
  title(match: RouteMatch<AppRoute>): string;
  /** The page element; it renders the one `<h1>` of the page. */
  render(match: RouteMatch<AppRoute>): TemplateResult;
  /**
   * Loads the page's module (its own chunk) the first time the route is shown; Lit upgrades the
   * element when it arrives. Pages without it are in the main bundle.
   */
  load?: () => Promise<unknown>;
};

/** What the web adds to a page of the table: its title (when not the table's message), its element and its chunk. */
interface PageView {
  title?(match: RouteMatch<AppRoute>): string;
  render(match: RouteMatch<AppRoute>): TemplateResult;
  load?: () => Promise<unknown>;
}

/** A page whose table entry has no title message must give its own title. */
type ViewOf<P extends Page> = P['titleKey'] extends null ? PageView & { title(match: RouteMatch<AppRoute>): string } : PageView;

const pageOf = (url: URL) => Math.max(1, Number.parseInt(url.searchParams.get('page') ?? '1', 10) || 1);
const repoTitle = (match: RouteMatch<AppRoute>, name: string) => `${name} · ${match.params.owner}/${match.params.repo}`;

/** The home page and explore share a chunk: the site's introduction and the repository list. */
const loadExplore = () => Promise.all([import('./pages/fab-explore-page.js'), import('./fab-site-intro.js')]);

function renderExplore(match: RouteMatch<AppRoute>): TemplateResult {
  const sort = match.url.searchParams.get('sort') === 'alpha' ? 'alpha' : 'updated';
  const mode = match.url.searchParams.get('mode');
  return html`${match.route.name === 'home' ? html`<fab-site-intro></fab-site-intro>` : ''}<fab-explore-page
    .query=${match.url.searchParams.get('q') ?? ''}
    .sort=${sort}
    .mode=${mode === 'source' || mode === 'fork' ? mode : 'all'}
    .page=${pageOf(match.url)}
  ></fab-explore-page>`;
}

const pullView = (tab: 'conversation' | 'commits' | 'files'): PageView => ({
  load: () => import('./pages/fab-pull-page.js'),
  render: (m) => html`<fab-pull-page .owner=${m.params.owner} .repo=${m.params.repo} .number=${Number(m.params.number)} .tab=${tab}></fab-pull-page>`,
});

const editView = (mode: 'edit' | 'new'): PageView => ({
  title: (m) => repoTitle(m, mode === 'edit' ? t('edit.title', { name: m.params.target.split('/').pop() ?? '' }) : t('edit.newTitle')),
  load: () => import('./pages/fab-edit-file-page.js'),
  render: (m) =>
    html`<fab-edit-file-page .owner=${m.params.owner} .repo=${m.params.repo} .mode=${mode} .target=${m.params.target} .licence=${m.url.searchParams.get('licence') ?? ''}></fab-edit-file-page>`,
});

/**
 * Every page of contract/routes.ts, in the web's terms. To add a page: add its line to the table,
 * write `pages/fab-<name>-page.ts`, and add its view here (TypeScript asks for it).
 */
const views: { [P in Page as P['name']]: ViewOf<P> } = {
  home: { load: loadExplore, render: renderExplore },
  explore: { load: loadExplore, render: renderExplore },
  setup: {
    load: () => import('./pages/fab-setup-page.js'),
    render: (match) => html`<fab-setup-page .token=${match.url.searchParams.get('token') ?? ''}></fab-setup-page>`,
  },
  accessibility: {
    load: () => import('./pages/fab-accessibility-page.js'),
    render: () => html`<fab-accessibility-page></fab-accessibility-page>`,
  },
  catalogue: {
    load: () => import('./pages/fab-catalogue-page.js'),
    render: (m) =>
      html`<fab-catalogue-page
        .query=${m.url.searchParams.get('q') ?? ''}
        .organisation=${m.url.searchParams.get('organisation') ?? ''}
        .status=${m.url.searchParams.get('status') ?? ''}
        .license=${m.url.searchParams.get('license') ?? ''}
        .category=${m.url.searchParams.get('category') ?? ''}
        .type=${m.url.searchParams.get('type') ?? ''}
        .page=${pageOf(m.url)}
      ></fab-catalogue-page>`,
  },
  signIn: {
    load: () => import('./pages/fab-signin-page.js'),
    render: (match) =>
      html`<fab-signin-page .error=${match.url.searchParams.get('error') ?? ''} .redirectTo=${match.url.searchParams.get('redirect_to') ?? ''}></fab-signin-page>`,
  },
  signUp: {
    load: () => import('./pages/fab-signup-page.js'),
    render: (match) => html`<fab-signup-page .redirectTo=${match.url.searchParams.get('redirect_to') ?? ''}></fab-signup-page>`,
  },
  tokens: {
    load: () => import('./pages/fab-settings-tokens-page.js'),
    render: () => html`<fab-settings-tokens-page></fab-settings-tokens-page>`,
  },
  notifications: {
    load: () => import('./pages/fab-notifications-page.js'),
    render: (m) =>
      html`<fab-notifications-page .tab=${m.url.searchParams.get('tab') === 'read' ? 'read' : 'unread'} .page=${pageOf(m.url)}></fab-notifications-page>`,
  },
  newRepo: {
    load: () => import('./pages/fab-new-repo-page.js'),
    render: () => html`<fab-new-repo-page></fab-new-repo-page>`,
  },
  migrate: {
    load: () => import('./pages/fab-migrate-page.js'),
    render: () => html`<fab-migrate-page></fab-migrate-page>`,
  },
  newOrg: {
    load: () => import('./pages/fab-new-org-page.js'),
    render: () => html`<fab-new-org-page></fab-new-org-page>`,
  },
  adminSystem: {
    load: () => import('./pages/fab-admin-system-page.js'),
    render: () => html`<fab-admin-system-page></fab-admin-system-page>`,
  },
  adminUsers: {
    load: () => import('./pages/fab-admin-users-page.js'),
    render: (m) => html`<fab-admin-users-page .query=${m.url.searchParams.get('q') ?? ''} .page=${pageOf(m.url)}></fab-admin-users-page>`,
  },
  adminOrgs: {
    load: () => import('./pages/fab-admin-orgs-page.js'),
    render: (m) => html`<fab-admin-orgs-page .query=${m.url.searchParams.get('q') ?? ''} .page=${pageOf(m.url)}></fab-admin-orgs-page>`,
  },
  adminRepos: {
    load: () => import('./pages/fab-admin-repos-page.js'),
    render: (m) => html`<fab-admin-repos-page .query=${m.url.searchParams.get('q') ?? ''} .page=${pageOf(m.url)}></fab-admin-repos-page>`,
  },
  adminAudit: {
    load: () => import('./pages/fab-admin-audit-page.js'),
    render: (m) => html`<fab-admin-audit-page .search=${m.url.search} .page=${pageOf(m.url)}></fab-admin-audit-page>`,
  },
  forgotPassword: {
    load: () => import('./pages/fab-password-reset-page.js'),
    render: () => html`<fab-password-reset-page></fab-password-reset-page>`,
  },
  resetPassword: {
    load: () => import('./pages/fab-password-reset-page.js'),
    render: (m) => html`<fab-password-reset-page .token=${m.url.searchParams.get('token') ?? ''}></fab-password-reset-page>`,
  },
  confirmEmail: {
    load: () => import('./pages/fab-confirm-email-page.js'),
    render: (m) => html`<fab-confirm-email-page .token=${m.url.searchParams.get('token') ?? ''}></fab-confirm-email-page>`,
  },
  userSettings: {
    load: () => import('./pages/fab-user-settings-page.js'),
    render: () => html`<fab-user-settings-page></fab-user-settings-page>`,
  },
  accountData: {
    load: () => import('./pages/fab-settings-account-page.js'),
    render: () => html`<fab-settings-account-page></fab-settings-account-page>`,
  },
  adminSite: {
    load: () => import('./pages/fab-admin-site-page.js'),
    render: () => html`<fab-admin-site-page></fab-admin-site-page>`,
  },
  orgLicences: {
    title: (m) => `${t('orgLicences.title')} · ${m.params.org}`,
    load: () => import('./pages/fab-org-licences-page.js'),
    render: (m) => html`<fab-org-licences-page .org=${m.params.org}></fab-org-licences-page>`,
  },
  org: {
    title: (m) => m.params.org,
    load: () => import('./pages/fab-org-page.js'),
    render: (m) => html`<fab-org-page .org=${m.params.org}></fab-org-page>`,
  },
  tree: {
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
  commits: {
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
  commit: {
    title: (m) => repoTitle(m, t('commit.heading', { sha: m.params.sha.slice(0, 10) })),
    load: () => import('./pages/fab-repo-commit-page.js'),
    render: (m) => html`<fab-repo-commit-page .owner=${m.params.owner} .repo=${m.params.repo} .sha=${m.params.sha}></fab-repo-commit-page>`,
  },
  branches: {
    load: () => import('./pages/fab-repo-branches-page.js'),
    render: (m) => html`<fab-repo-branches-page .owner=${m.params.owner} .repo=${m.params.repo} .page=${pageOf(m.url)}></fab-repo-branches-page>`,
  },
  tags: {
    load: () => import('./pages/fab-repo-tags-page.js'),
    render: (m) => html`<fab-repo-tags-page .owner=${m.params.owner} .repo=${m.params.repo} .page=${pageOf(m.url)}></fab-repo-tags-page>`,
  },
  forks: {
    load: () => import('./pages/fab-repo-forks-page.js'),
    render: (m) => html`<fab-repo-forks-page .owner=${m.params.owner} .repo=${m.params.repo} .page=${pageOf(m.url)}></fab-repo-forks-page>`,
  },
  compare: {
    title: (m) => repoTitle(m, m.params.spec),
    load: () => import('./pages/fab-repo-compare-page.js'),
    render: (m) => html`<fab-repo-compare-page .owner=${m.params.owner} .repo=${m.params.repo} .spec=${m.params.spec}></fab-repo-compare-page>`,
  },
  pulls: {
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
  newPull: {
    load: () => import('./pages/fab-new-pull-page.js'),
    render: (m) =>
      html`<fab-new-pull-page
        .owner=${m.params.owner}
        .repo=${m.params.repo}
        .base=${m.url.searchParams.get('base') ?? ''}
        .head=${m.url.searchParams.get('head') ?? ''}
        .remoteUrl=${m.url.searchParams.get('remote_url') ?? ''}
        .remoteBranch=${m.url.searchParams.get('remote_branch') ?? ''}
      ></fab-new-pull-page>`,
  },
  pull: pullView('conversation'),
  pullCommits: pullView('commits'),
  pullFiles: pullView('files'),
  issues: {
    load: () => import('./pages/fab-issues-page.js'),
    render: (m) => html`<fab-issues-page .owner=${m.params.owner} .repo=${m.params.repo} .query=${m.url.search}></fab-issues-page>`,
  },
  newIssue: {
    load: () => import('./pages/fab-issue-new-page.js'),
    render: (m) => html`<fab-issue-new-page .owner=${m.params.owner} .repo=${m.params.repo} .template=${m.url.searchParams.get('template') ?? ''}></fab-issue-new-page>`,
  },
  issue: {
    load: () => import('./pages/fab-issue-page.js'),
    render: (m) => html`<fab-issue-page .owner=${m.params.owner} .repo=${m.params.repo} .number=${Number(m.params.number)}></fab-issue-page>`,
  },
  labels: {
    load: () => import('./pages/fab-labels-page.js'),
    render: (m) => html`<fab-labels-page .owner=${m.params.owner} .repo=${m.params.repo}></fab-labels-page>`,
  },
  milestones: {
    load: () => import('./pages/fab-milestones-page.js'),
    render: (m) => html`<fab-milestones-page .owner=${m.params.owner} .repo=${m.params.repo}></fab-milestones-page>`,
  },
  releases: {
    load: () => import('./pages/fab-releases-page.js'),
    render: (m) => html`<fab-releases-page .owner=${m.params.owner} .repo=${m.params.repo}></fab-releases-page>`,
  },
  newRelease: {
    load: () => import('./pages/fab-release-form-page.js'),
    render: (m) => html`<fab-release-form-page .owner=${m.params.owner} .repo=${m.params.repo} .tag=${m.url.searchParams.get('tag') ?? ''}></fab-release-form-page>`,
  },
  editRelease: {
    load: () => import('./pages/fab-release-form-page.js'),
    render: (m) => html`<fab-release-form-page .owner=${m.params.owner} .repo=${m.params.repo} .editing=${m.params.tag}></fab-release-form-page>`,
  },
  release: {
    title: (m) => repoTitle(m, m.params.tag),
    load: () => import('./pages/fab-release-page.js'),
    render: (m) => html`<fab-release-page .owner=${m.params.owner} .repo=${m.params.repo} .tag=${m.params.tag}></fab-release-page>`,
  },
  editFile: editView('edit'),
  newFile: editView('new'),
  repoSettings: {
    load: () => import('./pages/fab-repo-settings-page.js'),
    render: (m) => html`<fab-repo-settings-page .owner=${m.params.owner} .repo=${m.params.repo}></fab-repo-settings-page>`,
  },
  publiccodeEditor: {
    load: () => import('./pages/fab-publiccode-page.js'),
    render: (m) => html`<fab-publiccode-page .owner=${m.params.owner} .repo=${m.params.repo}></fab-publiccode-page>`,
  },
  repoWebhooks: {
    load: () => import('./pages/fab-webhooks-page.js'),
    render: (m) => html`<fab-webhooks-page .owner=${m.params.owner} .repo=${m.params.repo}></fab-webhooks-page>`,
  },
  blame: {
    title: (m) => repoTitle(m, t('blame.title', { name: m.params.path.split('/').pop() ?? m.params.path })),
    load: () => import('./pages/fab-blame-page.js'),
    render: (m) =>
      html`<fab-blame-page .owner=${m.params.owner} .repo=${m.params.repo} .kind=${m.params.kind as RefKind} .ref=${m.params.ref} .path=${m.params.path}></fab-blame-page>`,
  },
  upload: {
    load: () => import('./pages/fab-upload-page.js'),
    render: (m) => html`<fab-upload-page .owner=${m.params.owner} .repo=${m.params.repo} .target=${m.params.target}></fab-upload-page>`,
  },
  repo: {
    title: (m) => `${m.params.owner}/${m.params.repo}`,
    load: () => import('./pages/fab-repo-home-page.js'),
    render: (m) => html`<fab-repo-home-page .owner=${m.params.owner} .repo=${m.params.repo}></fab-repo-home-page>`,
  },
  owner: {
    title: (m) => m.params.owner,
    load: () => import('./pages/fab-user-page.js'),
    render: (m) => html`<fab-user-page .owner=${m.params.owner} .page=${pageOf(m.url)}></fab-user-page>`,
  },
};

/** Every page of the app, in the order of the contract's table (first match wins). */
export const routes: readonly AppRoute[] = PAGES.map((page): AppRoute => {
  const view: PageView = views[page.name];
  // Typed here so that a table key missing from the message catalogues fails the type check.
  const key: MessageKey | null = page.titleKey;
  // The table's message as the title, inside the repository's name on a repository page; ViewOf<>
  // gives every page without a message its own title, so the path is only a last resort.
  const tableTitle = (match: RouteMatch<AppRoute>) => {
    const text = key === null ? match.url.pathname : t(key, match.params);
    return page.pattern.startsWith('/:owner/:repo/') ? repoTitle(match, text) : text;
  };
  return { ...page, ...view, title: view.title ?? tableTitle };
});

/** What `<main>` shows when no route matches. */
export const notFoundRoute = {
  title: () => t('notFound.title'),
  render: (url: URL) => html`<fab-not-found-page .path=${url.pathname}></fab-not-found-page>`,
};

/** The app's one router: pages call `router.navigate(href)` to move without a page load. */
export const router = new Router(routes);

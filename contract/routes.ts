/**
 * The pages of the web app, in one table that the web router and the server's page heads both read.
 * Patterns are over the path:
 * - `/explore`: a literal path;
 * - `:name`: one path segment, e.g. `/:owner/:repo`;
 * - `*name`: the rest of the path, slashes included, possibly empty; last only.
 * The first page that matches wins: literal top-level paths come before `/:owner` patterns (the
 * server refuses those words as owner names), `/pulls/new` before `/pulls/:number`.
 */

/** A page: its name, its URL pattern, and the message key of its title (null when the title is data, such as a name or a path). */
export interface PageRoute {
  readonly name: string;
  readonly pattern: string;
  readonly titleKey: string | null;
}

export const PAGES = [
  { name: 'home', pattern: '/', titleKey: 'explore.title' },
  { name: 'explore', pattern: '/explore', titleKey: 'explore.title' },
  { name: 'setup', pattern: '/setup', titleKey: 'setup.title' },
  { name: 'accessibility', pattern: '/accessibilite', titleKey: 'a11y.title' },
  { name: 'catalogue', pattern: '/catalogue', titleKey: 'catalogue.title' },
  { name: 'signIn', pattern: '/user/login', titleKey: 'signin.title' },
  { name: 'signUp', pattern: '/user/sign_up', titleKey: 'signup.title' },
  { name: 'tokens', pattern: '/user/settings/applications', titleKey: 'tokens.title' },
  { name: 'notifications', pattern: '/notifications', titleKey: 'notifications.title' },
  { name: 'newRepo', pattern: '/repo/create', titleKey: 'newRepo.title' },
  { name: 'migrate', pattern: '/repo/migrate', titleKey: 'migrate.title' },
  { name: 'newOrg', pattern: '/org/create', titleKey: 'newOrg.title' },
  { name: 'adminSystem', pattern: '/-/admin', titleKey: 'admin.system.title' },
  { name: 'adminUsers', pattern: '/-/admin/users', titleKey: 'admin.users.title' },
  { name: 'adminOrgs', pattern: '/-/admin/orgs', titleKey: 'admin.orgs.title' },
  { name: 'adminRepos', pattern: '/-/admin/repos', titleKey: 'admin.repos.title' },
  { name: 'adminAudit', pattern: '/-/admin/audit', titleKey: 'admin.audit.title' },
  { name: 'forgotPassword', pattern: '/user/forgot_password', titleKey: 'reset.title' },
  { name: 'resetPassword', pattern: '/user/reset_password', titleKey: 'reset.newTitle' },
  { name: 'confirmEmail', pattern: '/user/confirm_email', titleKey: 'confirmEmail.title' },
  { name: 'userSettings', pattern: '/user/settings', titleKey: 'settings.title' },
  { name: 'adminSite', pattern: '/-/admin/site', titleKey: 'adminSite.title' },
  { name: 'orgLicences', pattern: '/org/:org/licences', titleKey: 'orgLicences.title' },
  { name: 'accountData', pattern: '/user/settings/account', titleKey: 'privacy.title' },
  { name: 'org', pattern: '/org/:org', titleKey: null },
  { name: 'tree', pattern: '/:owner/:repo/src/:kind/:ref/*path', titleKey: null },
  { name: 'commits', pattern: '/:owner/:repo/commits/:kind/:ref/*path', titleKey: 'commits.heading' },
  { name: 'commit', pattern: '/:owner/:repo/commit/:sha', titleKey: 'commit.heading' },
  { name: 'branches', pattern: '/:owner/:repo/branches', titleKey: 'repo.branches' },
  { name: 'tags', pattern: '/:owner/:repo/tags', titleKey: 'repo.tags' },
  { name: 'compare', pattern: '/:owner/:repo/compare/*spec', titleKey: null },
  { name: 'pulls', pattern: '/:owner/:repo/pulls', titleKey: 'pulls.title' },
  { name: 'newPull', pattern: '/:owner/:repo/pulls/new', titleKey: 'newPull.title' },
  { name: 'pull', pattern: '/:owner/:repo/pulls/:number', titleKey: 'pulls.headingNumber' },
  { name: 'pullCommits', pattern: '/:owner/:repo/pulls/:number/commits', titleKey: 'pulls.headingNumber' },
  { name: 'pullFiles', pattern: '/:owner/:repo/pulls/:number/files', titleKey: 'pulls.headingNumber' },
  { name: 'issues', pattern: '/:owner/:repo/issues', titleKey: 'issues.title' },
  { name: 'newIssue', pattern: '/:owner/:repo/issues/new', titleKey: 'newIssue.title' },
  { name: 'issue', pattern: '/:owner/:repo/issues/:number', titleKey: 'issues.headingNumber' },
  { name: 'labels', pattern: '/:owner/:repo/labels', titleKey: 'labels.title' },
  { name: 'milestones', pattern: '/:owner/:repo/milestones', titleKey: 'milestones.title' },
  { name: 'releases', pattern: '/:owner/:repo/releases', titleKey: 'releases.title' },
  { name: 'newRelease', pattern: '/:owner/:repo/releases/new', titleKey: 'releases.new' },
  { name: 'editRelease', pattern: '/:owner/:repo/releases/edit/*tag', titleKey: 'releases.edit' },
  { name: 'release', pattern: '/:owner/:repo/releases/tag/*tag', titleKey: null },
  { name: 'editFile', pattern: '/:owner/:repo/_edit/*target', titleKey: 'edit.title' },
  { name: 'newFile', pattern: '/:owner/:repo/_new/*target', titleKey: 'edit.newTitle' },
  { name: 'repoSettings', pattern: '/:owner/:repo/settings', titleKey: 'repoSettings.title' },
  { name: 'repoWebhooks', pattern: '/:owner/:repo/settings/hooks', titleKey: 'webhooks.title' },
  { name: 'blame', pattern: '/:owner/:repo/blame/:kind/:ref/*path', titleKey: null },
  { name: 'upload', pattern: '/:owner/:repo/_upload/*target', titleKey: 'upload.title' },
  { name: 'forks', pattern: '/:owner/:repo/forks', titleKey: 'visitor.forksTitle' },
  { name: 'publiccodeEditor', pattern: '/:owner/:repo/settings/publiccode', titleKey: 'publiccode.title' },
  { name: 'repo', pattern: '/:owner/:repo', titleKey: null },
  { name: 'owner', pattern: '/:owner', titleKey: null },
] as const satisfies readonly PageRoute[];

/** One page of the table. */
export type Page = (typeof PAGES)[number];
/** The name of a page of the table. */
export type PageName = Page['name'];

export type RouteParams = Readonly<Record<string, string>>;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Turns a pattern such as `/:owner/:repo/src/branch/:branch/*path` into a regular expression and its parameter names. */
export function compilePattern(pattern: string): { regex: RegExp; keys: string[] } {
  const keys: string[] = [];
  const segments = pattern.split('/').filter((segment) => segment !== '');
  let source = '';
  segments.forEach((segment, index) => {
    if (segment.startsWith('*')) {
      if (index !== segments.length - 1) throw new Error(`route ${pattern}: "${segment}" must be the last segment`);
      keys.push(segment.slice(1));
      source += '(?:/(.*))?';
    } else if (segment.startsWith(':')) {
      keys.push(segment.slice(1));
      source += '/([^/]+)';
    } else {
      source += `/${escapeRegExp(segment)}`;
    }
  });
  return { regex: new RegExp(`^${source || '/'}$`), keys };
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Matches paths against a table of patterns, first match wins; a trailing slash is ignored and parameters are decoded. */
export class PatternMatcher<R extends { readonly pattern: string }> {
  private readonly compiled: { route: R; regex: RegExp; keys: string[] }[];

  constructor(routes: readonly R[]) {
    this.compiled = routes.map((route) => ({ route, ...compilePattern(route.pattern) }));
  }

  /** The first route matching `pathname` (still percent-encoded) and its parameters, or null. */
  match(pathname: string): { route: R; params: RouteParams } | null {
    const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
    for (const { route, regex, keys } of this.compiled) {
      const found = regex.exec(path);
      if (!found) continue;
      const params: Record<string, string> = {};
      keys.forEach((key, index) => {
        params[key] = decode(found[index + 1] ?? '');
      });
      return { route, params };
    }
    return null;
  }
}

import { html, type TemplateResult } from 'lit';
import { Router, type RouteMatch, type RoutePattern } from './router.js';
import { t } from './i18n/index.js';
import './pages/fab-explore-page.js';
import './pages/fab-setup-page.js';
import './pages/fab-accessibility-page.js';
import './pages/fab-not-found-page.js';

/** A page of the app: its URL pattern, its name in `<title>`, and what `<main>` shows. */
export interface AppRoute extends RoutePattern {
  /** The page's name, shown as "<title> · Fabrique"; called again when the language changes. */
  title(match: RouteMatch<AppRoute>): string;
  /** The page element; it renders the one `<h1>` of the page. */
  render(match: RouteMatch<AppRoute>): TemplateResult;
}

/**
 * Every page of the app, first match wins. To add one: write `pages/fab-<name>-page.ts`, import it
 * above, and add a line, e.g.
 * `{ pattern: '/:owner/:repo/src/branch/:branch/*path', title: (m) => `${m.params.owner}/${m.params.repo}`, render: (m) => html`...` }`.
 * Literal top-level paths (`/explore`, `/setup`) come before `/:owner` patterns; the server reserves those names.
 */
export const routes: readonly AppRoute[] = [
  { pattern: '/', title: () => t('explore.title'), render: () => html`<fab-explore-page></fab-explore-page>` },
  { pattern: '/explore', title: () => t('explore.title'), render: () => html`<fab-explore-page></fab-explore-page>` },
  {
    pattern: '/setup',
    title: () => t('setup.title'),
    render: (match) => html`<fab-setup-page .token=${match.url.searchParams.get('token') ?? ''}></fab-setup-page>`,
  },
  { pattern: '/accessibilite', title: () => t('a11y.title'), render: () => html`<fab-accessibility-page></fab-accessibility-page>` },
];

/** What `<main>` shows when no route matches. */
export const notFoundRoute = {
  title: () => t('notFound.title'),
  render: (url: URL) => html`<fab-not-found-page .path=${url.pathname}></fab-not-found-page>`,
};

/** The app's one router: pages call `router.navigate(href)` to move without a page load. */
export const router = new Router(routes);

import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { PatternMatcher, type RouteParams } from '../../contract/routes.js';

/**
 * A small History API router over the patterns of contract/routes.ts (`/explore`, `:name` for one
 * segment, `*name` for the rest of the path). The first route that matches wins.
 */

/** The least a route needs; the app's route table adds what it renders. */
export interface RoutePattern {
  readonly pattern: string;
}

/** A route that matched a URL, with its decoded parameters. */
export interface RouteMatch<R extends RoutePattern> {
  readonly route: R;
  readonly params: RouteParams;
  readonly url: URL;
}

/** Why the current URL changed: first load, a link or `navigate()`, or the back/forward buttons. */
export type NavigationCause = 'start' | 'push' | 'pop';

export interface Navigation<R extends RoutePattern> {
  readonly url: URL;
  /** null when no route matches: the app shows its not-found page. */
  readonly match: RouteMatch<R> | null;
  readonly cause: NavigationCause;
}

/** Paths the server answers itself (API, assets, git): a link to them is a real page load. */
function isServerPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/') || path.startsWith('/assets/') || path.endsWith('.git') || path.includes('.git/');
}

/** Matches URLs against a route table and keeps the address bar, the history and the app in step. */
export class Router<R extends RoutePattern> {
  private readonly _matcher: PatternMatcher<R>;
  private readonly _listeners = new Set<(navigation: Navigation<R>) => void>();
  private _current: Navigation<R>;
  private _started = false;

  constructor(routes: readonly R[]) {
    this._matcher = new PatternMatcher(routes);
    const url = new URL(window.location.href);
    this._current = { url, match: this.match(url), cause: 'start' };
  }

  /** The route for `url`, or null. A trailing slash is ignored. */
  match(url: URL): RouteMatch<R> | null {
    const found = this._matcher.match(url.pathname);
    return found ? { ...found, url } : null;
  }

  /** Where the app is now. */
  get current(): Navigation<R> {
    return this._current;
  }

  /** Goes to `href` (same origin) without a page load; `replace` rewrites the current history entry instead. */
  navigate(href: string, options: { replace?: boolean } = {}): void {
    const url = new URL(href, window.location.href);
    if (url.origin !== window.location.origin) {
      window.location.assign(url.href);
      return;
    }
    if (options.replace) history.replaceState(null, '', url.href);
    else history.pushState(null, '', url.href);
    this._go(url, 'push');
  }

  /** Calls `listener` after every navigation; returns the function that stops it. */
  subscribe(listener: (navigation: Navigation<R>) => void): () => void {
    this._listeners.add(listener);
    return () => this._listeners.delete(listener);
  }

  /** Starts intercepting same-origin link clicks and the back/forward buttons. */
  start(): void {
    if (this._started) return;
    this._started = true;
    document.addEventListener('click', this._onClick);
    window.addEventListener('popstate', this._onPopState);
  }

  private _go(url: URL, cause: NavigationCause): void {
    this._current = { url, match: this.match(url), cause };
    for (const listener of this._listeners) listener(this._current);
  }

  private readonly _onPopState = () => {
    const url = new URL(window.location.href);
    // A change of #fragment only (the skip link, an anchor in a page) is not a new page.
    if (url.pathname === this._current.url.pathname && url.search === this._current.url.search) return;
    this._go(url, 'pop');
  };

  private readonly _onClick = (event: MouseEvent) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    // composedPath() sees links inside shadow roots too.
    const anchor = event.composedPath().find((node): node is HTMLAnchorElement => node instanceof HTMLAnchorElement);
    if (!anchor || !anchor.hasAttribute('href') || anchor.hasAttribute('download')) return;
    if ((anchor.target && anchor.target !== '_self') || anchor.relList.contains('external')) return;
    const url = new URL(anchor.href, window.location.href);
    if (url.origin !== window.location.origin || isServerPath(url.pathname)) return;
    if (url.hash && url.pathname === window.location.pathname && url.search === window.location.search) return;
    event.preventDefault();
    if (url.href === window.location.href) return;
    this.navigate(url.href);
  };
}

/** Re-renders its host after every navigation: `new RouteController(this, router)`. */
export class RouteController<R extends RoutePattern> implements ReactiveController {
  private _stop: (() => void) | null = null;

  constructor(
    private readonly _host: ReactiveControllerHost,
    private readonly _router: Router<R>,
  ) {
    _host.addController(this);
  }

  /** The navigation the host last rendered for. */
  get navigation(): Navigation<R> {
    return this._router.current;
  }

  hostConnected(): void {
    this._stop = this._router.subscribe(() => this._host.requestUpdate());
  }

  hostDisconnected(): void {
    this._stop?.();
    this._stop = null;
  }
}

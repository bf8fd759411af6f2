import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * A small History API router. Routes are patterns over the path:
 * - `/explore`: a literal path;
 * - `:name`: one path segment, e.g. `/:owner/:repo`;
 * - `*name`: the rest of the path, slashes included, possibly empty; last only,
 *   e.g. `/:owner/:repo/src/branch/:branch/*path`.
 * The first route that matches wins, so list literal routes before patterns that would also match them.
 */

export type RouteParams = Readonly<Record<string, string>>;

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

interface CompiledRoute<R extends RoutePattern> {
  route: R;
  regex: RegExp;
  keys: string[];
}

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

/** Paths the server answers itself (API, assets, git): a link to them is a real page load. */
function isServerPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/') || path.startsWith('/assets/') || path.endsWith('.git') || path.includes('.git/');
}

/** Matches URLs against a route table and keeps the address bar, the history and the app in step. */
export class Router<R extends RoutePattern> {
  private readonly _routes: CompiledRoute<R>[];
  private readonly _listeners = new Set<(navigation: Navigation<R>) => void>();
  private _current: Navigation<R>;
  private _started = false;

  constructor(routes: readonly R[]) {
    this._routes = routes.map((route) => ({ route, ...compilePattern(route.pattern) }));
    const url = new URL(window.location.href);
    this._current = { url, match: this.match(url), cause: 'start' };
  }

  /** The route for `url`, or null. A trailing slash is ignored. */
  match(url: URL): RouteMatch<R> | null {
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
    for (const { route, regex, keys } of this._routes) {
      const found = regex.exec(path);
      if (!found) continue;
      const params: Record<string, string> = {};
      keys.forEach((key, index) => {
        params[key] = decode(found[index + 1] ?? '');
      });
      return { route, params, url };
    }
    return null;
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

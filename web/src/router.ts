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
  /** Back or forward: where the page was scrolled when the visitor left it, to restore once it has rendered. */
  readonly scrollY?: number;
}

/** What the router keeps in each history entry: a key that names the entry's saved scroll position. */
interface EntryState {
  fabKey: string;
}

const SCROLL_KEY = 'fab-scroll';

/** The scroll positions of this tab's history entries, by entry key; kept in sessionStorage so that a reload keeps them. */
function savedScrolls(): Record<string, number> {
  try {
    const parsed: unknown = JSON.parse(sessionStorage.getItem(SCROLL_KEY) ?? '{}');
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, number>) : {};
  } catch {
    return {};
  }
}

function entryKey(): string | null {
  const state: unknown = history.state;
  return typeof state === 'object' && state !== null && typeof (state as EntryState).fabKey === 'string' ? (state as EntryState).fabKey : null;
}

const newKey = () => Math.random().toString(36).slice(2, 10);

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
  /** The key of the history entry the app shows, whose scroll position is saved when the visitor leaves it. */
  private _key: string | null = null;

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
    this._saveScroll();
    const state: EntryState = { fabKey: newKey() };
    if (options.replace) history.replaceState(state, '', url.href);
    else history.pushState(state, '', url.href);
    this._key = state.fabKey;
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
    // The app renders its pages after their data arrives: the browser's own restoration would scroll
    // a page that is still empty. The router saves each entry's position and the app restores it.
    history.scrollRestoration = 'manual';
    if (entryKey() === null) history.replaceState({ ...(history.state as object | null), fabKey: newKey() } satisfies EntryState, '');
    this._key = entryKey();
    document.addEventListener('click', this._onClick);
    window.addEventListener('popstate', this._onPopState);
    window.addEventListener('pagehide', this._saveScroll);
  }

  /** Remembers how far the current entry is scrolled, before the visitor leaves it. */
  private readonly _saveScroll = () => {
    const key = this._key;
    if (key === null) return;
    const scrolls = savedScrolls();
    scrolls[key] = Math.round(window.scrollY);
    // A long session keeps the last 200 entries, enough for any back-button walk.
    const keys = Object.keys(scrolls);
    for (const old of keys.slice(0, Math.max(0, keys.length - 200))) delete scrolls[old];
    try {
      sessionStorage.setItem(SCROLL_KEY, JSON.stringify(scrolls));
    } catch {
      // Storage full or refused: back then goes to the top, as without the router.
    }
  };

  private _go(url: URL, cause: NavigationCause, scrollY?: number): void {
    this._current = { url, match: this.match(url), cause, scrollY };
    for (const listener of this._listeners) listener(this._current);
  }

  private readonly _onPopState = () => {
    const url = new URL(window.location.href);
    // A change of #fragment only (the skip link, an anchor in a page) is not a new page.
    if (url.pathname === this._current.url.pathname && url.search === this._current.url.search) return;
    // The page has not moved yet: save where the entry being left was scrolled, then read where the new one was.
    this._saveScroll();
    this._key = entryKey();
    this._go(url, 'pop', this._key === null ? undefined : savedScrolls()[this._key]);
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

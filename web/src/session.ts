import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { getSession, signOut, type Session, type User } from './api/auth.js';

/**
 * The browser's session, shared by the header and the pages: `GET /api/v1/auth/session` is asked
 * once, and sign-in, sign-up and sign-out replace the answer, so every element agrees on who is signed in.
 */

const ANONYMOUS: Session = { user: null, csrf_token: null };

let current: Session | null = null;
let loading: Promise<Session> | null = null;
const listeners = new Set<() => void>();

function notify(): void {
  for (const listener of listeners) listener();
}

/** Loads the session from the server the first time it is needed; later calls share that answer. */
export function loadSession(): Promise<Session> {
  loading ??= getSession().then(
    (session) => {
      current = session;
      notify();
      return session;
    },
    // Without an answer the app still works for anonymous pages; a later sign-in replaces this.
    () => {
      current = ANONYMOUS;
      notify();
      return ANONYMOUS;
    },
  );
  return loading;
}

/** Takes the session an API call just opened (sign-in, sign-up) as the current one. */
export function rememberSession(session: Session): void {
  current = session;
  loading = Promise.resolve(session);
  notify();
}

/** Signs out on the server, then shows the app as anonymous. */
export async function endSession(): Promise<void> {
  await signOut();
  rememberSession(ANONYMOUS);
}

/** Re-renders its host when the session is known and whenever it changes: `new SessionController(this)`. */
export class SessionController implements ReactiveController {
  private _stop: (() => void) | null = null;

  constructor(private readonly _host: ReactiveControllerHost) {
    _host.addController(this);
  }

  /** False until the server has answered. */
  get loaded(): boolean {
    return current !== null;
  }

  /** The signed-in account, or null (anonymous, or not loaded yet). */
  get user(): User | null {
    return current?.user ?? null;
  }

  hostConnected(): void {
    const update = () => this._host.requestUpdate();
    listeners.add(update);
    this._stop = () => listeners.delete(update);
    void loadSession();
  }

  hostDisconnected(): void {
    this._stop?.();
    this._stop = null;
  }
}

/** The sign-in page's URL, coming back to `path` afterwards. */
export function signInHref(path: string): string {
  return `/user/login?redirect_to=${encodeURIComponent(path)}`;
}

/**
 * Where to go after signing in: `?redirect_to=` when it is a path of this site, the home page
 * otherwise. The URL parser decides, as navigation will (it drops tabs and newlines and reads `\`
 * as `/`); the same rule as the server's sign-in answer (server/routes/auth/redirect.ts).
 */
export function destinationAfterSignIn(redirectTo: string): string {
  if (!redirectTo.startsWith('/') || /^\/[/\\]/.test(redirectTo)) return '/';
  const url = new URL(redirectTo, window.location.origin);
  if (url.origin !== window.location.origin || url.pathname.startsWith('//')) return '/';
  return url.pathname + url.search + url.hash;
}

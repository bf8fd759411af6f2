import type { UserRow } from '../../server/db/users.js';
import { PASSWORD } from './factories.js';

/** What the server answered: the status, the parsed body, the headers and the session cookie it set. */
export interface Answer<Body> {
  status: number;
  body: Body;
  headers: Headers;
  /** `fabrique_session=...` when the answer set the session cookie, else null. */
  cookie: string | null;
}

export interface RequestOptions {
  /** Defaults to POST when there is a body, GET otherwise. */
  method?: string;
  /** JSON-encoded unless it is already a string. */
  body?: unknown;
  headers?: Record<string, string>;
  /** A signed-in browser's session cookie and CSRF token (see signIn). */
  cookie?: string;
  csrf?: string;
}

/**
 * The one HTTP client of the tests: a request to the test server that never follows redirects
 * (tests look at them) and parses a JSON body, keeping the text when the body is not JSON.
 */
export async function request(url: string, path: string, options: RequestOptions = {}): Promise<Answer<unknown>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers['content-type'] ??= 'application/json';
  if (options.cookie) headers.cookie = options.cookie;
  if (options.csrf) headers['x-csrf-token'] = options.csrf;
  const response = await fetch(url + path, {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers,
    body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
    redirect: 'manual',
  });
  const text = await response.text();
  let body: unknown = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  const setCookie = response.headers.getSetCookie().find((c) => c.startsWith('fabrique_session='));
  return { status: response.status, body, headers: response.headers, cookie: setCookie ? setCookie.split(';')[0] : null };
}

/** A request whose JSON object or array body the test reads field by field ({} when the body is empty). */
export async function call(url: string, path: string, options: RequestOptions = {}): Promise<Answer<Record<string, unknown> & unknown[]>> {
  const answer = await request(url, path, options);
  return { ...answer, body: (answer.body ?? {}) as Record<string, unknown> & unknown[] };
}

/** Headers for an API call as this account: a token value, or Basic with the shared test password. */
export function as(who: string | UserRow | null): Record<string, string> {
  if (who === null) return {};
  if (typeof who === 'string') return { authorization: `token ${who}` };
  return basic(who.username, PASSWORD);
}

/** Basic credentials: a password or a token as the secret, as git sends them. */
export const basic = (username: string, secret: string) => ({ authorization: `Basic ${Buffer.from(`${username}:${secret}`).toString('base64')}` });

/** A JSON call to the Gitea API (/api/v1) of the test server; the body is null when empty. */
export async function api(
  url: string,
  method: string,
  path: string,
  options: { auth?: Record<string, string>; body?: unknown } = {},
  // The body is whatever JSON the endpoint answers; each test asserts the shape it expects.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
): Promise<{ status: number; body: any; headers: Headers }> {
  const { status, body, headers } = await request(url, `/api/v1${path}`, { method, body: options.body, headers: options.auth });
  return { status, body, headers };
}

/** Signs in through the API and returns the browser's cookie and CSRF token. */
export async function signIn(url: string, username: string, password: string = PASSWORD): Promise<{ cookie: string; csrf: string }> {
  const res = await call(url, '/api/v1/auth/signin', { body: { username, password } });
  if (res.status !== 200 || !res.cookie) throw new Error(`sign-in failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { cookie: res.cookie, csrf: res.body.csrf_token as string };
}

import type { Db } from '../../server/db/index.js';

/** Counts rows of a table, to prove a refused request wrote nothing. */
export function count(db: Db, table: 'users' | 'sessions' | 'access_tokens' | 'audit_events' | 'oidc_identities'): number {
  return db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
}

/** A JSON request, optionally with the session cookie and CSRF token of a signed-in browser. */
export async function call(
  url: string,
  path: string,
  options: { method?: string; body?: unknown; cookie?: string; csrf?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: Record<string, unknown> & unknown[]; cookie: string | null; headers: Headers }> {
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
  const setCookie = response.headers.getSetCookie().find((c) => c.startsWith('fabrique_session='));
  return {
    status: response.status,
    body: (text ? JSON.parse(text) : {}) as Record<string, unknown> & unknown[],
    cookie: setCookie ? setCookie.split(';')[0] : null,
    headers: response.headers,
  };
}

/** Signs in through the API and returns the browser's cookie and CSRF token. */
export async function signIn(url: string, username: string, password: string): Promise<{ cookie: string; csrf: string }> {
  const res = await call(url, '/api/v1/auth/signin', { body: { username, password } });
  if (res.status !== 200 || !res.cookie) throw new Error(`sign-in failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { cookie: res.cookie, csrf: res.body.csrf_token as string };
}

export const basic = (username: string, secret: string) => ({ authorization: `Basic ${Buffer.from(`${username}:${secret}`).toString('base64')}` });

import type { UserRow } from '../../server/db/users.js';
import { PASSWORD } from '../helpers/factories.js';

/** Headers for an API call as this account: a token value, or Basic with the shared test password. */
export function as(who: string | UserRow | null): Record<string, string> {
  if (who === null) return {};
  if (typeof who === 'string') return { authorization: `token ${who}` };
  return { authorization: `Basic ${Buffer.from(`${who.username}:${PASSWORD}`).toString('base64')}` };
}

/** A JSON API call against the test server; returns the status, the parsed body and the headers. */
export async function api(
  url: string,
  method: string,
  path: string,
  options: { auth?: Record<string, string>; body?: unknown } = {},
  // The body is whatever JSON the endpoint answers; each test asserts the shape it expects.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(`${url}/api/v1${path}`, {
    method,
    redirect: 'manual',
    headers: { ...(options.auth ?? {}), ...(options.body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body, headers: response.headers };
}

import { request, setCsrfToken } from './client.js';
import type { Providers, SessionInfo, SignInBody, SignInResult, SignUpBody } from '../../../contract/auth.js';

export type { User } from '../../../contract/users.js';
export type { SessionInfo as Session } from '../../../contract/auth.js';

async function remember<S extends SessionInfo>(session: Promise<S>): Promise<S> {
  const value = await session;
  setCsrfToken(value.csrf_token);
  return value;
}

/** `GET /api/v1/auth/session`: who is signed in; also arms the CSRF token for later changes. */
export function getSession(signal?: AbortSignal): Promise<SessionInfo> {
  return remember(request<SessionInfo>('/api/v1/auth/session', { signal }));
}

/** `GET /api/v1/auth/providers`. */
export function getProviders(signal?: AbortSignal): Promise<Providers> {
  return request<Providers>('/api/v1/auth/providers', { signal });
}

/** `POST /api/v1/auth/signin` with a username or email address, and the page that asked for it. */
export function signIn(input: SignInBody): Promise<SignInResult> {
  return remember(request<SignInResult>('/api/v1/auth/signin', { method: 'POST', body: input }));
}

/** `POST /api/v1/auth/signup`: creates the account and signs it in. */
export function signUp(input: SignUpBody): Promise<SessionInfo> {
  return remember(request<SessionInfo>('/api/v1/auth/signup', { method: 'POST', body: input }));
}

/** `POST /api/v1/auth/signout`: ends the session on the server. */
export async function signOut(): Promise<void> {
  await request<null>('/api/v1/auth/signout', { method: 'POST' });
  setCsrfToken(null);
}

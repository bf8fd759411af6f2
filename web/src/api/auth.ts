import { request, setCsrfToken } from './client.js';

/** An account as the API shows it (Gitea's user object). */
export interface User {
  id: number;
  login: string;
  full_name: string;
  email: string;
  avatar_url: string;
  is_admin: boolean;
  prohibit_login: boolean;
  created: string;
  last_login: string;
}

/** The browser's session: the signed-in account (or null) and the CSRF token its changes carry. */
export interface Session {
  user: User | null;
  csrf_token: string | null;
}

/** How one may sign in: password, sign-up when open, and the OpenID provider when configured. */
export interface Providers {
  password: boolean;
  signup: boolean;
  oidc: { name: string; url: string } | null;
}

async function remember<S extends Session>(session: Promise<S>): Promise<S> {
  const value = await session;
  setCsrfToken(value.csrf_token);
  return value;
}

/** `GET /api/v1/auth/session`: who is signed in; also arms the CSRF token for later changes. */
export function getSession(signal?: AbortSignal): Promise<Session> {
  return remember(request<Session>('/api/v1/auth/session', { signal }));
}

/** `GET /api/v1/auth/providers`. */
export function getProviders(signal?: AbortSignal): Promise<Providers> {
  return request<Providers>('/api/v1/auth/providers', { signal });
}

/** A sign-in's answer: the session, and the path of this site to go to next (the server checked `redirect_to`). */
export interface SignInResult extends Session {
  redirect_to: string;
}

/** `POST /api/v1/auth/signin` with a username or email address, and the page that asked for it. */
export function signIn(input: { username: string; password: string; redirect_to?: string }): Promise<SignInResult> {
  return remember(request<SignInResult>('/api/v1/auth/signin', { method: 'POST', body: input }));
}

/** `POST /api/v1/auth/signup`: creates the account and signs it in. */
export function signUp(input: { username: string; email: string; password: string }): Promise<Session> {
  return remember(request<Session>('/api/v1/auth/signup', { method: 'POST', body: input }));
}

/** `POST /api/v1/auth/signout`: ends the session on the server. */
export async function signOut(): Promise<void> {
  await request<null>('/api/v1/auth/signout', { method: 'POST' });
  setCsrfToken(null);
}

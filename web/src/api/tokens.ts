import { request } from './client.js';
import type { AccessToken, CreateAccessTokenBody } from '../../../contract/tokens.js';

export type { AccessToken } from '../../../contract/tokens.js';

/** The scopes the settings page offers (Gitea's names). */
export const TOKEN_SCOPES = ['read:repository', 'write:repository', 'read:user', 'write:user', 'read:organization', 'write:organization'] as const;

const tokensPath = (username: string) => `/api/v1/users/${encodeURIComponent(username)}/tokens`;

/** `GET /api/v1/users/{username}/tokens`. */
export function listTokens(username: string, signal?: AbortSignal): Promise<AccessToken[]> {
  return request<AccessToken[]>(tokensPath(username), { signal });
}

/** `POST /api/v1/users/{username}/tokens`: the value is in the answer, once. */
export function createToken(username: string, input: CreateAccessTokenBody): Promise<AccessToken> {
  return request<AccessToken>(tokensPath(username), { method: 'POST', body: input });
}

/** `DELETE /api/v1/users/{username}/tokens/{id}`: the token is refused from now on. */
export async function revokeToken(username: string, id: number): Promise<void> {
  await request<null>(`${tokensPath(username)}/${id}`, { method: 'DELETE' });
}

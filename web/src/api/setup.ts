import { request } from './client.js';
import type { CreatedUser, SetupBody, SetupStatus } from '../../../contract/auth.js';

export type { CreatedUser, SetupBody } from '../../../contract/auth.js';

/** `GET /api/v1/setup`. */
export function getSetupStatus(signal?: AbortSignal): Promise<SetupStatus> {
  return request<SetupStatus>('/api/v1/setup', { signal });
}

/** `POST /api/v1/setup`: creates the first administrator. */
export function createFirstAdministrator(input: SetupBody): Promise<CreatedUser> {
  return request<CreatedUser>('/api/v1/setup', { method: 'POST', body: input });
}

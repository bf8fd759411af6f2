import { request } from './client.js';

/** Whether the forge still waits for its first administrator. */
export interface SetupStatus {
  needed: boolean;
}

/** What the setup form sends: the one-time token from the server log and the administrator's account. */
export interface SetupInput {
  token: string;
  username: string;
  email: string;
  password: string;
}

/** The administrator account the setup created. */
export interface CreatedAdministrator {
  id: number;
  login: string;
  email: string;
  is_admin: boolean;
}

/** `GET /api/v1/setup`. */
export function getSetupStatus(signal?: AbortSignal): Promise<SetupStatus> {
  return request<SetupStatus>('/api/v1/setup', { signal });
}

/** `POST /api/v1/setup`: creates the first administrator. */
export function createFirstAdministrator(input: SetupInput): Promise<CreatedAdministrator> {
  return request<CreatedAdministrator>('/api/v1/setup', { method: 'POST', body: input });
}

import { request } from './client.js';
import type { ContentChoice } from '../../../contract/account-data.js';

export type { ContentChoice };

/** Where the browser downloads the signed-in account's data (`GET /api/v1/user/export`, a JSON file). */
export const ACCOUNT_EXPORT_URL = '/api/v1/user/export';

/** `DELETE /api/v1/user`: deletes the signed-in account for good, confirmed by its password. */
export async function deleteOwnAccount(body: { password: string; content: ContentChoice }): Promise<void> {
  await request<null>('/api/v1/user', { method: 'DELETE', body });
}

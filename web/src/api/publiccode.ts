import { request } from './client.js';
import type { PubliccodeForm, PubliccodeWritten } from '../../../contract/publiccode-form.js';

export type { PubliccodeForm, PubliccodeWritten } from '../../../contract/publiccode-form.js';

/** "Describe this software": the forge writes publiccode.yml from the form (or proposes it as a pull request). */
export function describeSoftware(owner: string, repo: string, form: PubliccodeForm): Promise<PubliccodeWritten> {
  return request(`/api/v1/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/publiccode`, { method: 'POST', body: form });
}

import { request } from './client.js';
import { language } from '../i18n/index.js';
import type { LicenseTemplateInfo, OrgLicenceItem } from '../../../contract/org-licences.js';

export type { LicenceFlag, OrgLicenceItem } from '../../../contract/org-licences.js';

/** Every repository of an organisation with its detected and declared licence (owners only). */
export function getOrgLicences(org: string, signal?: AbortSignal): Promise<OrgLicenceItem[]> {
  return request(`/api/v1/orgs/${encodeURIComponent(org)}/licences`, { signal });
}

/** A licence's text to start a LICENSE file from, in the interface language when it has an official text in it. */
export function getLicenceTemplate(id: string, signal?: AbortSignal): Promise<LicenseTemplateInfo> {
  return request(`/api/v1/licenses/${encodeURIComponent(id)}?lang=${language()}`, { signal });
}

import type { UserRow } from '../db/users.js';
import { ownerReposWithFacts } from '../db/catalogue.js';
// The facts (publiccode.yml, licence) are computed and cached by the catalogue service, as for the catalogue's views.
import { licenceReport, repoFacts, type LicenceReport } from '../services/catalogue.js';
import { approvedInFrance } from '../services/licences.js';
import type { LicenceFlag, OrgLicenceItem } from '../../contract/org-licences.js';
import type { ReadContext } from './context.js';

/** What needs fixing in a repository's licence; an empty list when nothing does. */
export function licenceFlags(licence: Pick<LicenceReport, 'detected' | 'declared' | 'mismatch'>): LicenceFlag[] {
  const flags: LicenceFlag[] = [];
  if (licence.detected === null && licence.declared === null) flags.push('none');
  if (licence.mismatch) flags.push('mismatch');
  // Both are checked: a file off the list under a listed declaration still publishes the code under it.
  if ([licence.detected, licence.declared].some((id) => id !== null && !approvedInFrance(id))) flags.push('outside');
  return flags;
}

/**
 * Every repository of an organisation, private ones included, with its licence as detected in its
 * file and as declared in its publiccode.yml, and what needs fixing. For the organisation's owners:
 * the route checks that first.
 */
export async function organisationLicences(ctx: ReadContext, org: UserRow): Promise<OrgLicenceItem[]> {
  const items: OrgLicenceItem[] = [];
  for (const repo of await ownerReposWithFacts(ctx.db, org.id)) {
    const licence = licenceReport(await repoFacts(ctx.db, ctx.config.reposDir, ctx.gitCache, repo));
    items.push({
      name: repo.name,
      full_name: `${repo.owner_name}/${repo.name}`,
      private: repo.is_private === 1,
      empty: repo.is_empty === 1,
      default_branch: repo.default_branch,
      detected: licence.detected,
      declared: licence.declared,
      file: licence.file,
      flags: licenceFlags(licence),
    });
  }
  return items;
}

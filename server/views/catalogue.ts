import type { Actor } from '../auth/policy.js';
import type { RepoRow } from '../db/repos.js';
import { findUserByName } from '../db/users.js';
import { ownerReposWithFacts } from '../db/catalogue.js';
import { notFound } from '../errors.js';
// The facts (publiccode.yml, licence) are computed and cached by the catalogue service, which the
// push listener shares; reading them here refreshes a stale cache entry, as it always did.
import {
  catalogue,
  catalogueCsv,
  licenceReport,
  publiccodeView,
  repoFacts,
  type CatalogueEntry,
  type LicenceReport,
  type PubliccodeView,
} from '../services/catalogue.js';
import type { ReadContext } from './context.js';
import type { CatalogueFilter } from '../../contract/catalogue.js';

/** Which software of the catalogue: a search, filters and a page. */
export type CatalogueSearch = CatalogueFilter;

/** The CSV export is one file: it holds at most this many software. */
const CSV_LIMIT = 10_000;

/**
 * A repository's software sheet: what is wrong with its publiccode.yml only for those who can fix
 * it (writers and administrators).
 */
export async function repositoryPubliccode(
  ctx: ReadContext,
  actor: Actor,
  repo: RepoRow,
  language: string,
): Promise<PubliccodeView | Omit<PubliccodeView, 'problems'>> {
  const view = publiccodeView(await repoFacts(ctx.db, ctx.config.reposDir, ctx.gitCache, repo), language);
  const resource = { type: 'repo', repo } as const;
  const maintainer = await ctx.policy.can(actor, 'repo:write', resource) || await ctx.policy.can(actor, 'repo:admin', resource);
  return maintainer ? view : { present: view.present, valid: view.valid, sheet: view.sheet };
}

/** A repository's licence, detected and declared. */
export async function repositoryLicence(ctx: ReadContext, repo: RepoRow): Promise<LicenceReport> {
  return licenceReport(await repoFacts(ctx.db, ctx.config.reposDir, ctx.gitCache, repo));
}

/**
 * For an organisation's owners (or an account itself): its repositories whose licence needs a
 * separate approval. Anyone else gets a 404, as for an owner that does not exist.
 */
export async function ownerLicenceReport(
  ctx: ReadContext,
  actor: Actor,
  ownerName: string,
): Promise<{ full_name: string; private: boolean; licence: LicenceReport }[]> {
  const owner = await findUserByName(ctx.db, ownerName);
  const allowed =
    owner !== undefined &&
    (owner.type === 'org'
      ? await ctx.policy.can(actor, 'org:admin', { type: 'org', org: owner })
      : await ctx.policy.can(actor, 'user:write', { type: 'user', user: owner }));
  if (!owner || !allowed) throw notFound('The owner');
  const report = [];
  for (const repo of await ownerReposWithFacts(ctx.db, owner.id)) {
    const licence = licenceReport(await repoFacts(ctx.db, ctx.config.reposDir, ctx.gitCache, repo));
    if (!licence.approved_in_france || licence.mismatch) report.push({ full_name: `${repo.owner_name}/${repo.name}`, private: repo.is_private === 1, licence });
  }
  return report;
}

/** One software of the catalogue as the API shows it. */
function presentEntry(ctx: ReadContext, entry: CatalogueEntry) {
  const fullName = `${entry.repo.owner_name}/${entry.repo.name}`;
  return {
    id: entry.repo.id,
    full_name: fullName,
    owner: entry.repo.owner_name,
    owner_type: entry.repo.owner_type,
    html_url: `${ctx.config.baseUrl}/${fullName}`,
    clone_url: `${ctx.config.baseUrl}/${fullName}.git`,
    updated_at: entry.repo.updated_at,
    topics: entry.topics,
    licence: entry.licence,
    sheet: entry.sheet,
  };
}

const filterOf = ({ q, organisation, status, license, category, type }: CatalogueSearch) => ({ q, organisation, status, license, category, type });

/** One page of the forge's public software (public repositories with a valid publiccode.yml). */
export async function cataloguePage(ctx: ReadContext, search: CatalogueSearch, language: string) {
  const page = search.page ?? 1;
  const limit = search.limit ?? 30;
  const { entries, total } = await catalogue(ctx.db, ctx.config.reposDir, ctx.gitCache, { ...filterOf(search), limit, offset: (page - 1) * limit }, language);
  return { total, page, limit, data: entries.map((entry) => presentEntry(ctx, entry)) };
}

/** The whole catalogue (at most 10,000 software) as CSV. */
export async function catalogueCsvFile(ctx: ReadContext, search: CatalogueSearch, language: string): Promise<string> {
  const { entries } = await catalogue(ctx.db, ctx.config.reposDir, ctx.gitCache, { ...filterOf(search), limit: CSV_LIMIT, offset: 0 }, language);
  return catalogueCsv(entries, ctx.config.baseUrl);
}

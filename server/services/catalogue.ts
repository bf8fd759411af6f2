import type { Db } from '../db/index.js';
import type { RepoRow } from '../db/repos.js';
import {
  addTopic,
  findFacts,
  listCatalogue,
  publicReposWithFactsCommit,
  removeTopic,
  replaceTopics,
  saveFacts,
  topicsByRepo,
  type CatalogueFilter,
  type FactsRow,
  type NewFacts,
} from '../db/catalogue.js';
import type { GitCache } from '../git/cache.js';
import { RepoReader, isBinary } from '../git/read.js';
import { repoPath } from '../git/store.js';
import { invalid } from '../errors.js';
import type { EventBus } from './events.js';
import { LICENCE_FILE, LICENCE_FILE_LIMIT, approvedInFrance, detectLicence, sameLicence } from './licences.js';
import { PUBLICCODE_FILES, PUBLICCODE_LIMIT, checkPubliccode, softwareSheet, type PubliccodeData, type PubliccodeProblem, type SoftwareSheet } from './publiccode.js';

const decoder = new TextDecoder('utf-8');
const README_FILES = ['readme.md', 'readme.markdown', 'readme', 'readme.txt', 'readme.rst', 'lisezmoi.md'];

/** Licence files in the order they are read when a repository has several (LICENSE before COPYING). */
function licenceFiles(names: string[]): string[] {
  const rank = (name: string) => (/^copying/i.test(name) ? 1 : 0) + (/lesser|lgpl/i.test(name) ? 2 : 0);
  return names.filter((n) => LICENCE_FILE.test(n)).sort((a, b) => rank(a) - rank(b) || a.length - b.length || (a < b ? -1 : 1));
}

/** Reads the publiccode.yml and licence file of one commit and works out the facts the forge keeps. */
async function computeFacts(reader: RepoReader, repoId: number, commit: string | null): Promise<NewFacts> {
  const facts: NewFacts = {
    repo_id: repoId,
    commit_id: commit ?? '',
    publiccode_present: 0,
    publiccode_valid: 0,
    publiccode_json: null,
    problems_json: '[]',
    software_name: null,
    development_status: null,
    categories_json: '[]',
    search_text: '',
    declared_licence: null,
    detected_licence: null,
    licence_file: null,
    readme_file: null,
  };
  if (!commit) return facts;
  const root = await reader.entryAt(commit, '');
  if (!root) return facts;
  const entries = (await reader.listFolder(root)).filter((e) => e.type === 'blob');
  facts.readme_file = README_FILES.map((name) => entries.find((e) => e.name.toLowerCase() === name)).find((e) => e !== undefined)?.name ?? null;
  const publiccode = PUBLICCODE_FILES.map((name) => entries.find((e) => e.name === name)).find((e) => e !== undefined);
  if (publiccode) {
    facts.publiccode_present = 1;
    const bytes = await reader.blob(publiccode.oid);
    const check =
      bytes.byteLength > PUBLICCODE_LIMIT
        ? { valid: false, data: null, problems: [{ line: 1, message: `The file is larger than ${PUBLICCODE_LIMIT / 1024} KiB.`, severity: 'error' as const }] }
        : checkPubliccode(decoder.decode(bytes));
    facts.publiccode_valid = check.valid ? 1 : 0;
    facts.problems_json = JSON.stringify(check.problems);
    if (check.data) {
      facts.publiccode_json = JSON.stringify(check.data);
      const legal = check.data.legal as { license?: unknown } | undefined;
      if (typeof legal?.license === 'string') facts.declared_licence = legal.license.trim();
    }
    if (check.valid && check.data) {
      const sheet = softwareSheet(check.data, undefined);
      facts.software_name = sheet.name;
      facts.development_status = sheet.developmentStatus;
      facts.categories_json = JSON.stringify(sheet.categories);
      const descriptions = Object.values((check.data.description ?? {}) as Record<string, { shortDescription?: unknown; longDescription?: unknown }>);
      facts.search_text = [sheet.name, ...descriptions.flatMap((d) => [d.shortDescription, d.longDescription])]
        .filter((v): v is string => typeof v === 'string')
        .join('\n')
        .toLowerCase();
    }
  }
  for (const name of licenceFiles(entries.map((e) => e.name))) {
    const entry = entries.find((e) => e.name === name);
    if (!entry) continue;
    const bytes = await reader.blob(entry.oid);
    if (bytes.byteLength > LICENCE_FILE_LIMIT || isBinary(bytes)) continue;
    facts.licence_file = facts.licence_file ?? name;
    const detected = detectLicence(decoder.decode(bytes));
    if (detected) {
      facts.detected_licence = detected.spdx;
      facts.licence_file = name;
      break;
    }
  }
  return facts;
}

/** The default branch's commit, or null for an empty repository or a missing branch. */
async function headCommit(reader: RepoReader, repo: RepoRow): Promise<string | null> {
  if (repo.is_empty) return null;
  return (await reader.resolve(repo.default_branch))?.oid ?? null;
}

/**
 * What the forge knows of a repository's default branch (publiccode.yml, licence), recomputed
 * when the branch has moved since they were last read, whatever moved it (push, web edit, merge, import).
 */
export async function repoFacts(db: Db, reposDir: string, gitCache: GitCache, repo: RepoRow): Promise<FactsRow> {
  const reader = new RepoReader(repoPath(reposDir, repo.owner_name, repo.name), gitCache);
  const commit = await headCommit(reader, repo);
  const known = await findFacts(db, repo.id);
  if (known && known.commit_id === (commit ?? '')) return known;
  await saveFacts(db, await computeFacts(reader, repo.id, commit));
  return await findFacts(db, repo.id) as FactsRow;
}

/** Brings the facts of every public repository up to date (the catalogue lists from them); one ref read per repository when nothing moved. */
export async function refreshPublicFacts(db: Db, reposDir: string, gitCache: GitCache): Promise<void> {
  for (const repo of await publicReposWithFactsCommit(db)) {
    const reader = new RepoReader(repoPath(reposDir, repo.owner_name, repo.name), gitCache);
    const commit = (await headCommit(reader, repo).catch(() => null)) ?? '';
    if (repo.facts_commit !== commit) await saveFacts(db, await computeFacts(reader, repo.id, commit || null));
  }
}

/** Recomputes a repository's facts after every push that moved its default branch; returns the function that stops it. */
export function refreshFactsOnPush(events: EventBus, db: Db, reposDir: string, gitCache: GitCache): () => void {
  return events.subscribe('pushed', async ({ repo, repoPath: path, updates }) => {
    if (path !== repoPath(reposDir, repo.owner_name, repo.name)) return;
    if (!updates.some((u) => u.ref === `refs/heads/${repo.default_branch}`)) return;
    await repoFacts(db, reposDir, gitCache, repo);
  });
}

/** A repository's licence, as found in its licence file and as declared in its publiccode.yml. */
export interface LicenceReport {
  detected: string | null;
  declared: string | null;
  /** The licence file read, if any. */
  file: string | null;
  /** True when the file and publiccode.yml name different licences. */
  mismatch: boolean;
  /** Whether the licence (declared, else detected) is on the French list (CRPA art. D323-2-1). */
  approved_in_france: boolean;
}

export function licenceReport(facts: Pick<FactsRow, 'detected_licence' | 'declared_licence' | 'licence_file'>): LicenceReport {
  const { detected_licence: detected, declared_licence: declared } = facts;
  return {
    detected,
    declared,
    file: facts.licence_file,
    mismatch: detected !== null && declared !== null && !sameLicence(detected, declared),
    approved_in_france: approvedInFrance(declared ?? detected),
  };
}

/** The software sheet of a repository and what is wrong with its publiccode.yml. */
export interface PubliccodeView {
  present: boolean;
  valid: boolean;
  problems: PubliccodeProblem[];
  sheet: SoftwareSheet | null;
}

export function publiccodeView(facts: FactsRow, language: string | undefined): PubliccodeView {
  const data = facts.publiccode_json ? (JSON.parse(facts.publiccode_json) as PubliccodeData) : null;
  return {
    present: facts.publiccode_present === 1,
    valid: facts.publiccode_valid === 1,
    problems: JSON.parse(facts.problems_json) as PubliccodeProblem[],
    sheet: facts.publiccode_valid === 1 && data ? softwareSheet(data, language) : null,
  };
}

/** One software of the catalogue. */
export interface CatalogueEntry {
  repo: RepoRow;
  sheet: SoftwareSheet;
  licence: LicenceReport;
  topics: string[];
}

/** One page of the forge's public software (public repositories with a valid publiccode.yml), facts refreshed first. */
export async function catalogue(
  db: Db,
  reposDir: string,
  gitCache: GitCache,
  filter: CatalogueFilter,
  language: string | undefined,
): Promise<{ entries: CatalogueEntry[]; total: number }> {
  await refreshPublicFacts(db, reposDir, gitCache);
  const { rows, total } = await listCatalogue(db, filter);
  const topics = await topicsByRepo(db, rows.map((r) => r.id));
  const entries = rows.map((row) => ({
    repo: row,
    sheet: softwareSheet(JSON.parse(row.publiccode_json as string) as PubliccodeData, language),
    licence: licenceReport(row),
    topics: topics.get(row.id) ?? [],
  }));
  return { entries, total };
}

const TOPIC = /^[a-z0-9][a-z0-9-]*$/;
export const MAX_TOPICS = 25;

/** Topics as Gitea takes them: trimmed and lowercased, then each `[a-z0-9][a-z0-9-]*` of at most 35 characters. */
export function normaliseTopics(topics: string[]): { valid: string[]; invalid: string[] } {
  const valid: string[] = [];
  const invalidTopics: string[] = [];
  for (const raw of topics) {
    const topic = raw.trim().toLowerCase();
    if (topic.length > 0 && topic.length <= 35 && TOPIC.test(topic)) {
      if (!valid.includes(topic)) valid.push(topic);
    } else invalidTopics.push(raw);
  }
  return { valid, invalid: invalidTopics };
}

function checkedTopics(topics: string[]): string[] {
  const { valid, invalid: wrong } = normaliseTopics(topics);
  if (wrong.length > 0) {
    throw invalid('Topics must start with a letter or a digit, contain only lowercase letters, digits and "-", and be at most 35 characters long.', {
      invalidTopics: wrong,
    });
  }
  return valid;
}

/** Replaces a repository's topics (Gitea's PUT /topics). */
export async function setTopics(db: Db, repo: RepoRow, topics: string[]): Promise<void> {
  const valid = checkedTopics(topics);
  if (valid.length > MAX_TOPICS) throw invalid(`A repository has at most ${MAX_TOPICS} topics.`, { invalidTopics: [] });
  await replaceTopics(db, repo.id, valid);
}

/** Adds one topic to a repository (Gitea's PUT /topics/{topic}). */
export async function addRepoTopic(db: Db, repo: RepoRow, topic: string, current: string[]): Promise<void> {
  const [valid] = checkedTopics([topic]);
  if (!current.includes(valid) && current.length >= MAX_TOPICS) throw invalid(`A repository has at most ${MAX_TOPICS} topics.`, { invalidTopics: [topic] });
  await addTopic(db, repo.id, valid);
}

/** Removes one topic from a repository (Gitea's DELETE /topics/{topic}). */
export async function removeRepoTopic(db: Db, repo: RepoRow, topic: string): Promise<void> {
  const [valid] = checkedTopics([topic]);
  await removeTopic(db, repo.id, valid);
}

const CSV_COLUMNS = [
  'name',
  'repository',
  'url',
  'short_description',
  'development_status',
  'software_type',
  'licence',
  'detected_licence',
  'approved_in_france',
  'categories',
  'platforms',
  'maintenance',
  'updated_at',
] as const;

/** A CSV field quoted as RFC 4180 does; a leading formula character is defused for spreadsheets. */
function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n;]/.test(safe) || safe !== value ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The catalogue as CSV (RFC 4180, CRLF line ends, a header line). */
export function catalogueCsv(entries: CatalogueEntry[], baseUrl: string): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const { repo, sheet, licence, topics } of entries) {
    const fullName = `${repo.owner_name}/${repo.name}`;
    const row: Record<(typeof CSV_COLUMNS)[number], string> = {
      name: sheet.name,
      repository: fullName,
      url: `${baseUrl}/${fullName}`,
      short_description: sheet.shortDescription,
      development_status: sheet.developmentStatus,
      software_type: sheet.softwareType,
      licence: sheet.license,
      detected_licence: licence.detected ?? '',
      approved_in_france: licence.approved_in_france ? 'yes' : 'no',
      categories: [...new Set([...sheet.categories, ...topics])].join(' '),
      platforms: sheet.platforms.join(' '),
      maintenance: sheet.maintenance.type,
      updated_at: repo.updated_at,
    };
    lines.push(CSV_COLUMNS.map((c) => csvField(row[c])).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

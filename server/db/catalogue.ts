import type { Db } from './index.js';
import type { RepoRow } from './repos.js';

/** What was read from a repository's default branch (migration 008). */
export interface FactsRow {
  repo_id: number;
  commit_id: string;
  publiccode_present: 0 | 1;
  publiccode_valid: 0 | 1;
  publiccode_json: string | null;
  problems_json: string;
  software_name: string | null;
  development_status: string | null;
  categories_json: string;
  search_text: string;
  declared_licence: string | null;
  detected_licence: string | null;
  licence_file: string | null;
  readme_file: string | null;
  computed_at: string;
}

export type NewFacts = Omit<FactsRow, 'computed_at'>;

export async function findFacts(db: Db, repoId: number): Promise<FactsRow | undefined> {
  return await db.prepare('SELECT * FROM repository_facts WHERE repo_id = ?').get(repoId) as FactsRow | undefined;
}

export async function saveFacts(db: Db, facts: NewFacts): Promise<void> {
  await db.prepare(
    `INSERT INTO repository_facts (repo_id, commit_id, publiccode_present, publiccode_valid, publiccode_json, problems_json,
       software_name, development_status, categories_json, search_text, declared_licence, detected_licence, licence_file, readme_file)
     VALUES (@repo_id, @commit_id, @publiccode_present, @publiccode_valid, @publiccode_json, @problems_json,
       @software_name, @development_status, @categories_json, @search_text, @declared_licence, @detected_licence, @licence_file, @readme_file)
     ON CONFLICT (repo_id) DO UPDATE SET commit_id = excluded.commit_id, publiccode_present = excluded.publiccode_present,
       publiccode_valid = excluded.publiccode_valid, publiccode_json = excluded.publiccode_json, problems_json = excluded.problems_json,
       software_name = excluded.software_name, development_status = excluded.development_status, categories_json = excluded.categories_json,
       search_text = excluded.search_text, declared_licence = excluded.declared_licence, detected_licence = excluded.detected_licence,
       licence_file = excluded.licence_file, readme_file = excluded.readme_file, computed_at = excluded.computed_at`,
  ).run(facts);
}

/** The licence each repository's file was recognised as, for the repositories of a page. */
export async function detectedLicences(db: Db, repoIds: number[]): Promise<Map<number, string>> {
  if (repoIds.length === 0) return new Map();
  const rows = await db
    .prepare(`SELECT repo_id, detected_licence FROM repository_facts WHERE detected_licence IS NOT NULL AND repo_id IN (SELECT CAST(value AS INTEGER) FROM json_each(?))`)
    .all(JSON.stringify(repoIds)) as { repo_id: number; detected_licence: string }[];
  return new Map(rows.map((r) => [r.repo_id, r.detected_licence]));
}

const REPO_SELECT = `SELECT r.*, u.username AS owner_name, u.type AS owner_type, u.visibility AS owner_visibility
  FROM repositories r JOIN users u ON u.id = r.owner_id`;

/** Readable by anyone, signed in or not: the anonymous case of the listing rules in db/repos.ts. */
const PUBLIC = `r.is_private = 0 AND u.visibility = 'public'`;

/** Public repositories with the commit their facts were computed from (null when never computed). */
export async function publicReposWithFactsCommit(db: Db): Promise<(RepoRow & { facts_commit: string | null })[]> {
  return await db
    .prepare(`${REPO_SELECT.replace('SELECT r.*', 'SELECT r.*, f.commit_id AS facts_commit')} LEFT JOIN repository_facts f ON f.repo_id = r.id WHERE ${PUBLIC}`)
    .all() as (RepoRow & { facts_commit: string | null })[];
}

export interface CatalogueFilter {
  q?: string;
  organisation?: string;
  status?: string;
  license?: string;
  category?: string;
  /** publiccode.yml's softwareType, read from the stored file (no column of its own). */
  type?: string;
  limit: number;
  offset: number;
}

export type CatalogueRow = RepoRow & FactsRow;

const like = (q: string) => `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The publiccode.yml `url` of a facts row, compared without case or a trailing slash. */
const URL_OF = (alias: string) => `rtrim(lower(json_extract(${alias}.publiccode_json, '$.url')), '/')`;
/**
 * A fork is the same software as its parent unless its publiccode.yml names another `url` (its own
 * project): only then is it a catalogue entry of its own.
 */
const FORK_WITH_ITS_OWN_URL = `(r.fork_id IS NULL OR ${URL_OF('f')} IS DISTINCT FROM
  (SELECT ${URL_OF('pf')} FROM repository_facts pf WHERE pf.repo_id = r.fork_id))`;

/** Public repositories with a valid publiccode.yml, filtered, by software name, with the total before paging. */
export async function listCatalogue(db: Db, filter: CatalogueFilter): Promise<{ rows: CatalogueRow[]; total: number }> {
  const where = [PUBLIC, 'f.publiccode_valid = 1', FORK_WITH_ITS_OWN_URL];
  if (filter.q) where.push("(f.search_text LIKE @q ESCAPE '\\' OR r.lower_name LIKE @q ESCAPE '\\')");
  if (filter.organisation) where.push('u.lower_name = @organisation');
  if (filter.status) where.push('f.development_status = @status');
  if (filter.license) where.push('(lower(f.declared_licence) = @license OR lower(f.detected_licence) = @license)');
  if (filter.type) where.push("json_extract(f.publiccode_json, '$.softwareType') = @type");
  if (filter.category) {
    where.push(`(EXISTS (SELECT 1 FROM json_each(f.categories_json) c WHERE lower(c.value) = @category)
      OR EXISTS (SELECT 1 FROM repository_topics t WHERE t.repo_id = r.id AND t.topic = @category))`);
  }
  const params = {
    q: filter.q ? like(filter.q) : null,
    organisation: filter.organisation?.toLowerCase() ?? null,
    status: filter.status ?? null,
    license: filter.license?.toLowerCase() ?? null,
    category: filter.category?.toLowerCase() ?? null,
    type: filter.type ?? null,
  };
  const from = `FROM repositories r JOIN users u ON u.id = r.owner_id JOIN repository_facts f ON f.repo_id = r.id WHERE ${where.join(' AND ')}`;
  const total = await db.prepare(`SELECT count(*) ${from}`).pluck().get(params) as number;
  const rows = await db
    .prepare(
      `SELECT r.*, u.username AS owner_name, u.type AS owner_type, u.visibility AS owner_visibility, f.* ${from}
       ORDER BY lower(f.software_name), r.id LIMIT @limit OFFSET @offset`,
    )
    .all({ ...params, limit: filter.limit, offset: filter.offset }) as CatalogueRow[];
  return { rows, total };
}

/** The repositories of an owner, private ones included, with their facts (for the owner's licence report). */
export async function ownerReposWithFacts(db: Db, ownerId: number): Promise<(RepoRow & Partial<FactsRow>)[]> {
  return await db
    .prepare(
      `SELECT r.*, u.username AS owner_name, u.type AS owner_type, u.visibility AS owner_visibility,
              f.declared_licence, f.detected_licence, f.licence_file, f.commit_id
         FROM repositories r JOIN users u ON u.id = r.owner_id LEFT JOIN repository_facts f ON f.repo_id = r.id
        WHERE r.owner_id = ? ORDER BY r.lower_name`,
    )
    .all(ownerId) as (RepoRow & Partial<FactsRow>)[];
}

export interface ProjectFilter {
  search?: string;
  archived?: boolean;
  idBefore?: number;
  idAfter?: number;
  orderBy: 'id' | 'created_at' | 'updated_at' | 'last_activity_at';
  sort: 'asc' | 'desc';
  limit: number;
  offset: number;
}

const PROJECT_ORDER = { id: 'r.id', created_at: 'r.created_at', updated_at: 'r.updated_at', last_activity_at: 'r.updated_at' } as const;

/** Public repositories as GitLab lists projects to an anonymous visitor, with the total before paging. */
export async function listPublicProjects(db: Db, filter: ProjectFilter): Promise<{ rows: RepoRow[]; total: number }> {
  const where = [PUBLIC];
  if (filter.search) where.push("(r.lower_name LIKE @search ESCAPE '\\' OR lower(r.description) LIKE @search ESCAPE '\\')");
  if (filter.archived !== undefined) where.push('r.is_archived = @archived');
  if (filter.idBefore !== undefined) where.push('r.id < @idBefore');
  if (filter.idAfter !== undefined) where.push('r.id > @idAfter');
  const params = {
    search: filter.search ? like(filter.search) : null,
    archived: filter.archived === undefined ? null : filter.archived ? 1 : 0,
    idBefore: filter.idBefore ?? null,
    idAfter: filter.idAfter ?? null,
  };
  const condition = where.join(' AND ');
  const total = await db.prepare(`SELECT count(*) FROM repositories r JOIN users u ON u.id = r.owner_id WHERE ${condition}`).pluck().get(params) as number;
  const direction = filter.sort === 'asc' ? 'ASC' : 'DESC';
  const rows = await db
    .prepare(`${REPO_SELECT} WHERE ${condition} ORDER BY ${PROJECT_ORDER[filter.orderBy]} ${direction}, r.id ${direction} LIMIT @limit OFFSET @offset`)
    .all({ ...params, limit: filter.limit, offset: filter.offset }) as RepoRow[];
  return { rows, total };
}

/** How many public forks each repository has. */
export async function publicForkCounts(db: Db, repoIds: number[]): Promise<Map<number, number>> {
  if (repoIds.length === 0) return new Map();
  const rows = await db
    .prepare(
      `SELECT r.fork_id AS id, count(*) AS n FROM repositories r JOIN users u ON u.id = r.owner_id
        WHERE ${PUBLIC} AND r.fork_id IN (SELECT CAST(value AS INTEGER) FROM json_each(?)) GROUP BY r.fork_id`,
    )
    .all(JSON.stringify(repoIds)) as { id: number; n: number }[];
  return new Map(rows.map((r) => [r.id, r.n]));
}

export async function listTopics(db: Db, repoId: number): Promise<string[]> {
  return await db.prepare('SELECT topic FROM repository_topics WHERE repo_id = ? ORDER BY topic').pluck().all(repoId) as string[];
}

/** The topics of each repository of a page. */
export async function topicsByRepo(db: Db, repoIds: number[]): Promise<Map<number, string[]>> {
  const result = new Map<number, string[]>();
  if (repoIds.length === 0) return result;
  const rows = await db
    .prepare('SELECT repo_id, topic FROM repository_topics WHERE repo_id IN (SELECT CAST(value AS INTEGER) FROM json_each(?)) ORDER BY topic')
    .all(JSON.stringify(repoIds)) as { repo_id: number; topic: string }[];
  for (const row of rows) result.set(row.repo_id, [...(result.get(row.repo_id) ?? []), row.topic]);
  return result;
}

/** Replaces all the topics of a repository. */
export async function replaceTopics(db: Db, repoId: number, topics: string[]): Promise<void> {
  await db.transaction(async () => {
    await db.prepare('DELETE FROM repository_topics WHERE repo_id = ?').run(repoId);
    const insert = db.prepare('INSERT INTO repository_topics (repo_id, topic) VALUES (?, ?) ON CONFLICT DO NOTHING');
    for (const topic of topics) await insert.run(repoId, topic);
  });
}

export async function addTopic(db: Db, repoId: number, topic: string): Promise<void> {
  await db.prepare('INSERT INTO repository_topics (repo_id, topic) VALUES (?, ?) ON CONFLICT DO NOTHING').run(repoId, topic);
}

export async function removeTopic(db: Db, repoId: number, topic: string): Promise<void> {
  await db.prepare('DELETE FROM repository_topics WHERE repo_id = ? AND topic = ?').run(repoId, topic);
}

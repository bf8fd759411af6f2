import { Document, isScalar, type Scalar } from 'yaml';
import type { RepoRow } from '../db/repos.js';
import type { Actor } from '../auth/policy.js';
import { ForgeError, invalid } from '../errors.js';
import type { PullContext } from './pulls.js';
import { proposeChange, writeFile } from './web-edit.js';
import { checkPubliccode } from './publiccode.js';
import { CATEGORIES, DEVELOPMENT_STATUSES, LATEST_PUBLICCODE_VERSION, MAINTENANCE_TYPES, SOFTWARE_TYPES } from '../../contract/publiccode.js';
import { FRENCH_LICENCES } from '../../contract/licences.js';
import type { Language } from '../../contract/languages.js';
import type { PubliccodeFieldProblem, PubliccodeForm, PubliccodeWritten } from '../../contract/publiccode-form.js';

/** Where the editor writes the file: the name the standard prefers. */
export const PUBLICCODE_PATH = 'publiccode.yml';

const LANGUAGE_TAG = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const WEB_ADDRESS = /^https?:\/\/[^\s/]+\.[^\s]*$/;
const filled = (value: string | undefined): value is string => value !== undefined && value.trim() !== '';
const isOneOf = (values: readonly string[], value: string) => values.includes(value);

/**
 * What is wrong with the form, field by field. The rules are the standard's, and those of the
 * reference validator where it is stricter (a long description of 150 to 10,000 characters in
 * every language), so that the file is accepted by every tool that reads it.
 */
export function formProblems(form: PubliccodeForm): PubliccodeFieldProblem[] {
  const problems: PubliccodeFieldProblem[] = [];
  const problem = (field: string, message: string) => problems.push({ field, message });
  if (!filled(form.name)) problem('name', 'Give the name of the software.');
  if (form.descriptions.length === 0) problem('descriptions', 'Describe the software in at least one language.');
  const seen = new Set<string>();
  form.descriptions.forEach((d, i) => {
    const at = `descriptions[${i}]`;
    if (!LANGUAGE_TAG.test(d.language)) problem(`${at}.language`, `"${d.language}" is not a language code (e.g. "fr", "en").`);
    else if (seen.has(d.language)) problem(`${at}.language`, `The language "${d.language}" is described twice.`);
    seen.add(d.language);
    if (!filled(d.shortDescription)) problem(`${at}.shortDescription`, 'Give a short description (one sentence).');
    else if ([...d.shortDescription.trim()].length > 150) problem(`${at}.shortDescription`, 'The short description must be at most 150 characters.');
    const long = [...d.longDescription.trim()].length;
    if (long < 150 || long > 10000) problem(`${at}.longDescription`, `The long description must be 150 to 10,000 characters (it has ${long}).`);
    if (d.features.filter(filled).length === 0) problem(`${at}.features`, 'Name at least one feature.');
  });
  if (!isOneOf(DEVELOPMENT_STATUSES, form.developmentStatus)) problem('developmentStatus', `Choose a development status: ${DEVELOPMENT_STATUSES.join(', ')}.`);
  if (!isOneOf(SOFTWARE_TYPES, form.softwareType)) problem('softwareType', `Choose a software type: ${SOFTWARE_TYPES.join(', ')}.`);
  form.categories.forEach((code, i) => {
    if (!CATEGORIES.some((c) => c.code === code)) problem(`categories[${i}]`, `"${code}" is not a category of the standard's list.`);
  });
  if (!isOneOf(FRENCH_LICENCES, form.license)) problem('license', `Choose a licence of the French list: ${FRENCH_LICENCES.join(', ')}.`);
  const { type, contacts, contractors } = form.maintenance;
  if (!isOneOf(MAINTENANCE_TYPES, type)) problem('maintenance.type', `Choose a maintenance type: ${MAINTENANCE_TYPES.join(', ')}.`);
  if ((type === 'internal' || type === 'community') && contacts.length === 0) problem('maintenance.contacts', `Name at least one contact: the maintenance is "${type}".`);
  if (type === 'contract' && contractors.length === 0) problem('maintenance.contractors', 'Name at least one contractor: the maintenance is under contract.');
  if (type !== 'contract' && contractors.length > 0) problem('maintenance.contractors', 'Contractors are named only when the maintenance is under contract.');
  contacts.forEach((c, i) => {
    if (!filled(c.name)) problem(`maintenance.contacts[${i}].name`, 'Give the name of the contact.');
    if (filled(c.email) && !EMAIL.test(c.email.trim())) problem(`maintenance.contacts[${i}].email`, `"${c.email}" is not an e-mail address.`);
  });
  contractors.forEach((c, i) => {
    if (!filled(c.name)) problem(`maintenance.contractors[${i}].name`, 'Give the name of the contractor.');
    if (!DATE.test(c.until)) problem(`maintenance.contractors[${i}].until`, 'Give the end of the contract as a date (YYYY-MM-DD).');
    if (filled(c.email) && !EMAIL.test(c.email.trim())) problem(`maintenance.contractors[${i}].email`, `"${c.email}" is not an e-mail address.`);
    if (filled(c.website) && !WEB_ADDRESS.test(c.website.trim())) problem(`maintenance.contractors[${i}].website`, 'The website must be an http(s) address.');
  });
  if (form.platforms.filter(filled).length === 0) problem('platforms', 'Name at least one platform (e.g. web, linux, windows).');
  if (form.availableLanguages.length === 0) problem('availableLanguages', 'Name at least one language the software is available in.');
  form.availableLanguages.forEach((l, i) => {
    if (!LANGUAGE_TAG.test(l)) problem(`availableLanguages[${i}]`, `"${l}" is not a language code (e.g. "fr", "en").`);
  });
  if (filled(form.landingURL) && !WEB_ADDRESS.test(form.landingURL.trim())) problem('landingURL', 'The landing page must be an http(s) address.');
  if (filled(form.releaseDate) && !DATE.test(form.releaseDate)) problem('releaseDate', 'Give the release date as a date (YYYY-MM-DD).');
  return problems;
}

/** Drops the empty optional values of an object, so that the file holds only what was said. */
function compact<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0))) as Partial<T>;
}

/** The publiccode.yml text of a checked form, for the repository at `url`, in the latest version of the standard. */
export function publiccodeYaml(form: PubliccodeForm, url: string): string {
  const trim = (value: string | undefined) => value?.trim() || undefined;
  const data = compact({
    publiccodeYmlVersion: LATEST_PUBLICCODE_VERSION,
    name: form.name.trim(),
    url,
    landingURL: trim(form.landingURL),
    softwareVersion: trim(form.softwareVersion),
    releaseDate: trim(form.releaseDate),
    platforms: form.platforms.map((p) => p.trim()).filter(Boolean),
    categories: [...new Set(form.categories)],
    developmentStatus: form.developmentStatus,
    softwareType: form.softwareType,
    description: Object.fromEntries(
      form.descriptions.map((d) => [
        d.language,
        { shortDescription: d.shortDescription.trim(), longDescription: `${d.longDescription.trim()}\n`, features: d.features.map((f) => f.trim()).filter(Boolean) },
      ]),
    ),
    legal: compact({ license: form.license, mainCopyrightOwner: trim(form.mainCopyrightOwner) }),
    maintenance: compact({
      type: form.maintenance.type,
      contractors: form.maintenance.contractors.map((c) => compact({ name: c.name.trim(), until: c.until, email: trim(c.email), website: trim(c.website) })),
      contacts: form.maintenance.contacts.map((c) => compact({ name: c.name.trim(), email: trim(c.email), phone: trim(c.phone), affiliation: trim(c.affiliation) })),
    }),
    localisation: { localisationReady: form.localisationReady, availableLanguages: [...new Set(form.availableLanguages)] },
  });
  const doc = new Document(data);
  // The standard asks for dates in quotes: a YAML 1.1 reader would otherwise take them as timestamps.
  const quote = (path: (string | number)[]) => {
    const node = doc.getIn(path, true);
    if (isScalar(node)) (node as Scalar).type = 'QUOTE_DOUBLE';
  };
  quote(['releaseDate']);
  form.maintenance.contractors.forEach((_, i) => quote(['maintenance', 'contractors', i, 'until']));
  const header = '# publiccode.yml: the description of this software for public-code catalogues (https://yml.publiccode.tools).\n';
  return header + doc.toString({ lineWidth: 0 });
}

/**
 * "Describe this software": builds publiccode.yml from the form, checks it with the forge's
 * validator, and commits it on the default branch through web-edit (and so the ref gate); when the
 * gate refuses a direct commit there (a protected branch), the same file is proposed as a pull request instead.
 */
export async function describeSoftware(ctx: PullContext, repo: RepoRow, actor: Actor, form: PubliccodeForm, language?: Language): Promise<PubliccodeWritten> {
  ctx.policy.signedIn(actor);
  const problems = formProblems(form);
  if (problems.length > 0) throw invalid(`The description has ${problems.length} problem(s): ${problems.map((p) => `${p.field}: ${p.message}`).join(' ')}`, { fields: problems });
  const content = publiccodeYaml(form, `${ctx.baseUrl}/${repo.owner_name}/${repo.name}.git`);
  const check = checkPubliccode(content);
  if (!check.valid) {
    // The form's checks cover the standard's rules; this is the last guard, reported as the validator words it.
    const errors = check.problems.filter((p) => p.severity === 'error').map((p) => ({ field: PUBLICCODE_PATH, message: `line ${p.line}: ${p.message}` }));
    throw invalid(`The file built from the form is not valid: ${errors.map((e) => e.message).join(' ')}`, { fields: errors });
  }
  const file = { path: PUBLICCODE_PATH, content: new TextEncoder().encode(content), message: form.message?.trim() || undefined, language };
  const repoUrl = `${ctx.baseUrl}/${repo.owner_name}/${repo.name}`;
  try {
    const written = await writeFile(ctx, repo, actor, file, 'create');
    return { path: PUBLICCODE_PATH, branch: written.branch, commit: { sha: written.commit.oid, html_url: `${repoUrl}/commit/${written.commit.oid}` }, pull: null, content };
  } catch (err) {
    // The gate refuses before any object is written; on a protected branch the file becomes a
    // pull request from a new branch, which the gate checks in turn (an archived repository stays refused).
    // An empty repository has nothing to base a pull request on.
    if (!(err instanceof ForgeError && err.kind === 'forbidden') || repo.is_empty) throw err;
  }
  const proposed = await proposeChange(ctx, repo, actor, { ...file, mode: 'create' });
  return {
    path: PUBLICCODE_PATH,
    branch: proposed.written.branch,
    commit: { sha: proposed.written.commit.oid, html_url: `${ctx.baseUrl}/${proposed.written.repo.owner_name}/${proposed.written.repo.name}/commit/${proposed.written.commit.oid}` },
    pull: { number: proposed.pull.number, html_url: `${repoUrl}/pulls/${proposed.pull.number}` },
    content,
  };
}

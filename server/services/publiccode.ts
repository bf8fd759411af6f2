import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { spdxExpressionProblem } from './licences.js';
import {
  CATEGORIES,
  DEVELOPMENT_STATUSES,
  LATEST_PUBLICCODE_VERSION,
  MAINTENANCE_TYPES,
  PUBLICCODE_VERSIONS,
  SOFTWARE_TYPES,
  type PubliccodeVersion,
} from '../../contract/publiccode.js';

/** The file names a publiccode.yml goes by at a repository's root, preferred first. */
export const PUBLICCODE_FILES = ['publiccode.yml', 'publiccode.yaml'];

/** publiccode.yml files larger than this are refused rather than parsed. */
export const PUBLICCODE_LIMIT = 512 * 1024;

export { SOFTWARE_TYPES, MAINTENANCE_TYPES };

/** One thing wrong with a publiccode.yml, at its line (1-based). Warnings do not make the file invalid. */
export interface PubliccodeProblem {
  line: number;
  message: string;
  severity: 'error' | 'warning';
}

/** The parsed file as plain data (mappings, lists, scalars). */
export type PubliccodeData = Record<string, unknown>;

export interface PubliccodeCheck {
  /** No error, and a version of the standard this forge knows. */
  valid: boolean;
  /** The version the file was checked against, null when its `publiccodeYmlVersion` is unusable. */
  version: PubliccodeVersion | null;
  problems: PubliccodeProblem[];
  /** The file's content when it parsed as a YAML mapping, even if some keys are wrong. */
  data: PubliccodeData | null;
}

type Path = (string | number)[];

/** Where a version stands in the list, to compare versions. */
const rank = (version: PubliccodeVersion) => PUBLICCODE_VERSIONS.findIndex((v) => v.version === version);
const atLeast = (version: PubliccodeVersion, than: PubliccodeVersion) => rank(version) >= rank(than);
const ALL_SPELLINGS = PUBLICCODE_VERSIONS.flatMap((v) => v.spellings).join(', ');

/**
 * What a declared `publiccodeYmlVersion` means: a known version (any spelling the reference
 * validator accepts, "0" being its name for the latest), a future one (validated as the latest
 * but not taken as valid), or nothing usable.
 */
export function resolveVersion(declared: string): { version: PubliccodeVersion; future: boolean } | null {
  const known = PUBLICCODE_VERSIONS.find((v) => (v.spellings as readonly string[]).includes(declared));
  if (known) return { version: known.version, future: false };
  if (declared === '0') return { version: LATEST_PUBLICCODE_VERSION, future: false };
  const parts = /^(\d+)\.(\d+)(?:\.\d+)?$/.exec(declared);
  if (!parts) return null;
  const [major, minor] = LATEST_PUBLICCODE_VERSION.split('.').map(Number);
  const newer = Number(parts[1]) > major || (Number(parts[1]) === major && Number(parts[2]) > minor);
  return newer ? { version: LATEST_PUBLICCODE_VERSION, future: true } : null;
}

/**
 * Checks a publiccode.yml against the rules of the version it declares (0.2 to 0.7): YAML syntax,
 * then the keys and their types, each problem at its line. An older version gets a suggestion to
 * upgrade; an unknown newer one is checked as the latest and flagged, never taken as valid.
 */
export function checkPubliccode(source: string): PubliccodeCheck {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const problems: PubliccodeProblem[] = [];
  const lineAt = (offset: number | undefined) => (offset === undefined ? 1 : lineCounter.linePos(offset).line);
  for (const error of doc.errors) {
    problems.push({ line: lineAt(error.pos[0]), message: `YAML syntax: ${error.message.split('\n')[0]}`, severity: 'error' });
  }
  if (doc.errors.length > 0) return { valid: false, version: null, problems, data: null };
  if (!isMap(doc.contents)) {
    problems.push({ line: 1, message: 'The file must be a mapping of keys (publiccodeYmlVersion, name, url, ...).', severity: 'error' });
    return { valid: false, version: null, problems, data: null };
  }
  const data = doc.toJS({ maxAliasCount: 100 }) as PubliccodeData;
  const checker = new Checker(doc, lineAt, problems);
  const resolved = checker.version(data);
  checker.run(data, resolved?.version ?? LATEST_PUBLICCODE_VERSION);
  problems.sort((a, b) => a.line - b.line);
  const valid = resolved !== null && !resolved.future && !problems.some((p) => p.severity === 'error');
  return { valid, version: resolved?.version ?? null, problems, data };
}

const isString = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';
const isStringList = (value: unknown): value is string[] => Array.isArray(value) && value.length > 0 && value.every(isString);
const LANGUAGE_TAG = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The rules of the standard, reporting each problem at the line of the key it is about (or of its parent when missing). */
class Checker {
  constructor(
    private readonly doc: Document,
    private readonly lineAt: (offset: number | undefined) => number,
    private readonly problems: PubliccodeProblem[],
  ) {}

  private line(path: Path): number {
    for (let end = path.length; end > 0; end--) {
      // The key's line: a block mapping or list value starts on the line after its key.
      const parent = end === 1 ? this.doc.contents : (this.doc.getIn(path.slice(0, end - 1), true) as Node | undefined);
      const last = path[end - 1];
      if (isMap(parent)) {
        const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === last);
        if (pair && isScalar(pair.key) && pair.key.range) return this.lineAt(pair.key.range[0]);
      } else if (isSeq(parent) && typeof last === 'number') {
        const item = parent.items[last] as Node | undefined;
        if (item && (isMap(item) || isSeq(item) || isScalar(item)) && item.range) return this.lineAt(item.range[0]);
      }
    }
    return 1;
  }

  private error(path: Path, message: string): void {
    this.problems.push({ line: this.line(path), message, severity: 'error' });
  }

  private warn(path: Path, message: string): void {
    this.problems.push({ line: this.line(path), message, severity: 'warning' });
  }

  private name(path: Path): string {
    return path.map((p) => (typeof p === 'number' ? `[${p}]` : p)).join('.').replace(/\.\[/g, '[');
  }

  private requireString(parent: Record<string, unknown>, path: Path): void {
    const key = path[path.length - 1] as string;
    if (!(key in parent)) this.error(path.slice(0, -1), `The key "${this.name(path)}" is required.`);
    else if (!isString(parent[key])) this.error(path, `"${this.name(path)}" must be a non-empty text.`);
  }

  private requireStringList(parent: Record<string, unknown>, path: Path): void {
    const key = path[path.length - 1] as string;
    if (!(key in parent)) this.error(path.slice(0, -1), `The key "${this.name(path)}" is required.`);
    else if (!isStringList(parent[key])) this.error(path, `"${this.name(path)}" must be a non-empty list of texts.`);
  }

  private requireEnum(parent: Record<string, unknown>, path: Path, values: readonly string[]): void {
    const key = path[path.length - 1] as string;
    if (!(key in parent)) this.error(path.slice(0, -1), `The key "${this.name(path)}" is required.`);
    else if (!values.includes(parent[key] as string)) {
      this.error(path, `"${this.name(path)}" must be one of: ${values.join(', ')} (found "${String(parent[key])}").`);
    }
  }

  /** The mapping at `path`, or null after reporting it missing (when required) or of the wrong type. */
  private section(parent: Record<string, unknown>, path: Path, required: boolean): Record<string, unknown> | null {
    const key = path[path.length - 1] as string;
    const value = parent[key];
    if (value === undefined) {
      if (required) this.error(path.slice(0, -1), `The section "${this.name(path)}" is required.`);
      return null;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.error(path, `"${this.name(path)}" must be a mapping of keys.`);
      return null;
    }
    return value as Record<string, unknown>;
  }

  /** Reads `publiccodeYmlVersion`: reports it missing or unknown, suggests the upgrade of an older version, flags a future one. */
  version(data: PubliccodeData): ReturnType<typeof resolveVersion> {
    this.requireString(data, ['publiccodeYmlVersion']);
    if (!isString(data.publiccodeYmlVersion)) return null;
    const declared = data.publiccodeYmlVersion.trim();
    const resolved = resolveVersion(declared);
    const path = ['publiccodeYmlVersion'];
    if (!resolved) {
      this.error(path, `"publiccodeYmlVersion" must be a version of the standard: one of ${ALL_SPELLINGS} (found "${declared}").`);
    } else if (resolved.future) {
      this.warn(path, `Unknown version "${declared}" of the standard, validated as ${LATEST_PUBLICCODE_VERSION} (the latest this forge knows): the file is not taken as valid until the forge knows this version.`);
    } else if (resolved.version !== LATEST_PUBLICCODE_VERSION) {
      this.warn(path, `Version ${resolved.version} of the standard is not the latest: consider upgrading to publiccodeYmlVersion: "${LATEST_PUBLICCODE_VERSION}" (see the standard's changelog).`);
    }
    return resolved;
  }

  run(data: PubliccodeData, version: PubliccodeVersion): void {
    this.requireString(data, ['name']);
    this.requireString(data, ['url']);
    if (isString(data.url) && !/^(https?:\/\/|git@)\S+$/.test(data.url)) this.error(['url'], '"url" must be the address of the source repository.');
    // A link on the software's sheet and in the catalogue harvesters read: a web address, nothing else.
    if ('landingURL' in data && !(isString(data.landingURL) && /^https?:\/\/\S+$/.test(data.landingURL))) this.error(['landingURL'], '"landingURL" must be a web address (http:// or https://).');
    this.requireStringList(data, ['platforms']);
    this.requireEnum(data, ['developmentStatus'], DEVELOPMENT_STATUSES);
    this.requireEnum(data, ['softwareType'], SOFTWARE_TYPES);
    // Mandatory until 0.5 made the categories optional, and until 0.4 made the release date optional.
    if (!atLeast(version, '0.5') && !('categories' in data)) this.error([], `The key "categories" is required in version ${version} of the standard (optional since 0.5).`);
    if ('categories' in data && !isStringList(data.categories)) this.error(['categories'], '"categories" must be a non-empty list of texts.');
    else if (isStringList(data.categories)) this.categories(data.categories, version);
    if (!atLeast(version, '0.4') && !('releaseDate' in data)) this.error([], `The key "releaseDate" is required in version ${version} of the standard (optional since 0.4).`);
    if ('releaseDate' in data && !(typeof data.releaseDate === 'string' && DATE.test(data.releaseDate))) {
      this.error(['releaseDate'], '"releaseDate" must be a date written YYYY-MM-DD, in quotes.');
    }
    this.changes(data, version);
    this.description(data, version);
    this.legal(data);
    this.maintenance(data);
    this.localisation(data);
    const organisation = this.section(data, ['organisation'], false);
    if (organisation) this.requireString(organisation, ['organisation', 'uri']);
    for (const key of Object.keys(data)) {
      if (/^[A-Z]{2}$/.test(key)) this.warn([key], `The country section "${key}" is deprecated since version 0.7 of the standard.`);
    }
  }

  /** Each category from the official list, and from the list of the file's version. */
  private categories(categories: string[], version: PubliccodeVersion): void {
    categories.forEach((code, i) => {
      const category = CATEGORIES.find((c) => c.code === code);
      if (!category) this.error(['categories', i], `"${code}" is not a category of the standard's list (e.g. "data-collection", "geographic-information-systems").`);
      else if (category.since && !atLeast(version, category.since)) {
        this.warn(['categories', i], `The category "${code}" was added in version ${category.since} of the standard: declare publiccodeYmlVersion "${category.since}" or later.`);
      }
    });
  }

  /** Keys added after the file's version (a suggestion to upgrade), and keys deprecated by it (a suggestion to drop them). */
  private changes(data: PubliccodeData, version: PubliccodeVersion): void {
    const added: [string, PubliccodeVersion][] = [['organisation', '0.5'], ['fundedBy', '0.5'], ['supports', '0.7']];
    for (const [key, since] of added) {
      if (key in data && !atLeast(version, since)) this.warn([key], `"${key}" was added in version ${since} of the standard: declare publiccodeYmlVersion "${since}" or later.`);
    }
    const deprecated: [Path, PubliccodeVersion, string][] = [
      [['monochromeLogo'], '0.3', 'remove it'],
      [['inputTypes'], '0.3', 'remove it'],
      [['outputTypes'], '0.3', 'remove it'],
      [['legal', 'authorsFile'], '0.4', 'remove it'],
      [['legal', 'repoOwner'], '0.5', 'use "organisation.name" instead'],
    ];
    for (const [path, since, advice] of deprecated) {
      const parent = path.length === 1 ? data : record(data[path[0] as string]);
      if (path[path.length - 1] in parent && atLeast(version, since)) this.warn(path, `"${this.name(path)}" is deprecated since version ${since} of the standard: ${advice}.`);
    }
  }

  private description(data: PubliccodeData, version: PubliccodeVersion): void {
    const description = this.section(data, ['description'], true);
    if (!description) return;
    const languages = Object.keys(description);
    if (languages.length === 0) {
      this.error(['description'], '"description" must describe the software in at least one language.');
      return;
    }
    let complete = false;
    for (const language of languages) {
      if (!LANGUAGE_TAG.test(language)) this.error(['description', language], `"${language}" is not a language code (e.g. "fr", "en").`);
      const entry = this.section(description, ['description', language], true);
      if (!entry) continue;
      this.requireString(entry, ['description', language, 'shortDescription']);
      // genericName was mandatory in 0.2, then deprecated by 0.3.
      if (!atLeast(version, '0.3')) this.requireString(entry, ['description', language, 'genericName']);
      else if ('genericName' in entry) this.warn(['description', language, 'genericName'], `"description.${language}.genericName" is deprecated since version 0.3 of the standard: remove it.`);
      if (isString(entry.shortDescription) && entry.shortDescription.length > 150) {
        this.error(['description', language, 'shortDescription'], `"description.${language}.shortDescription" must be at most 150 characters.`);
      }
      if ('longDescription' in entry && !isString(entry.longDescription)) {
        this.error(['description', language, 'longDescription'], `"description.${language}.longDescription" must be a non-empty text.`);
      }
      if ('features' in entry && !isStringList(entry.features)) {
        this.error(['description', language, 'features'], `"description.${language}.features" must be a non-empty list of texts.`);
      }
      if (isString(entry.longDescription) && isStringList(entry.features)) complete = true;
    }
    if (!complete) this.error(['description'], 'At least one language of "description" needs "longDescription" and "features".');
  }

  private legal(data: PubliccodeData): void {
    const legal = this.section(data, ['legal'], true);
    if (!legal) return;
    this.requireString(legal, ['legal', 'license']);
    if (isString(legal.license)) {
      const problem = spdxExpressionProblem(legal.license);
      if (problem) this.error(['legal', 'license'], `"legal.license" must be an SPDX licence expression: ${problem}.`);
    }
  }

  private maintenance(data: PubliccodeData): void {
    const maintenance = this.section(data, ['maintenance'], true);
    if (!maintenance) return;
    this.requireEnum(maintenance, ['maintenance', 'type'], MAINTENANCE_TYPES);
    const people = (key: 'contractors' | 'contacts', required: boolean) => {
      const path = ['maintenance', key];
      const list = maintenance[key];
      if (list === undefined) {
        if (required) this.error(['maintenance'], `"maintenance.${key}" is required when "maintenance.type" is "${String(maintenance.type)}".`);
        return;
      }
      if (!Array.isArray(list) || list.length === 0) {
        this.error(path, `"maintenance.${key}" must be a non-empty list.`);
        return;
      }
      list.forEach((item, i) => {
        if (typeof item !== 'object' || item === null || Array.isArray(item)) {
          this.error([...path, i], `"maintenance.${key}[${i}]" must be a mapping with a "name".`);
          return;
        }
        const person = item as Record<string, unknown>;
        this.requireString(person, [...path, i, 'name']);
        if (key === 'contractors') {
          if (!('until' in person)) this.error([...path, i], `"maintenance.contractors[${i}].until" is required.`);
          else if (!(typeof person.until === 'string' && DATE.test(person.until))) {
            this.error([...path, i, 'until'], `"maintenance.contractors[${i}].until" must be a date written YYYY-MM-DD, in quotes.`);
          }
        }
        if ('email' in person && !(typeof person.email === 'string' && /^[^@\s]+@[^@\s]+$/.test(person.email))) {
          this.error([...path, i, 'email'], `"maintenance.${key}[${i}].email" must be an e-mail address.`);
        }
      });
    };
    people('contractors', maintenance.type === 'contract');
    people('contacts', maintenance.type === 'internal' || maintenance.type === 'community');
  }

  private localisation(data: PubliccodeData): void {
    const localisation = this.section(data, ['localisation'], true);
    if (!localisation) return;
    if (!('localisationReady' in localisation)) this.error(['localisation'], 'The key "localisation.localisationReady" is required.');
    else if (typeof localisation.localisationReady !== 'boolean') {
      this.error(['localisation', 'localisationReady'], '"localisation.localisationReady" must be true or false.');
    }
    this.requireStringList(localisation, ['localisation', 'availableLanguages']);
    if (isStringList(localisation.availableLanguages)) {
      localisation.availableLanguages.forEach((language, i) => {
        if (!LANGUAGE_TAG.test(language)) this.error(['localisation', 'availableLanguages', i], `"${language}" is not a language code (e.g. "fr", "en").`);
      });
    }
  }
}

/** A maintainer or contractor, as the sheet shows them. */
export interface SheetPerson {
  name: string;
  email: string | null;
  phone: string | null;
  affiliation: string | null;
  website: string | null;
  until: string | null;
}

/** The software sheet of a valid file, in one language. */
export interface SoftwareSheet {
  name: string;
  /** The language of the description shown. */
  language: string;
  /** Every language the description exists in. */
  descriptionLanguages: string[];
  shortDescription: string;
  longDescription: string | null;
  features: string[];
  documentation: string | null;
  developmentStatus: string;
  softwareType: string;
  license: string;
  mainCopyrightOwner: string | null;
  url: string;
  landingURL: string | null;
  softwareVersion: string | null;
  releaseDate: string | null;
  platforms: string[];
  categories: string[];
  maintenance: { type: string; contractors: SheetPerson[]; contacts: SheetPerson[] };
  localisationReady: boolean;
  availableLanguages: string[];
  organisation: { uri: string; name: string | null } | null;
}

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value : null);
const texts = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
const record = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

function person(value: unknown): SheetPerson {
  const p = record(value);
  return {
    name: text(p.name) ?? '',
    email: text(p.email),
    phone: text(p.phone),
    affiliation: text(p.affiliation),
    website: text(p.website),
    until: text(p.until),
  };
}

/**
 * The software sheet of a checked file in the wanted language: the description in that language
 * when the file has it, else in French, else in English, else in the file's first language.
 */
export function softwareSheet(data: PubliccodeData, wanted: string | undefined): SoftwareSheet {
  const descriptions = record(data.description);
  const languages = Object.keys(descriptions);
  const base = wanted?.toLowerCase();
  const inLanguage = (wantedBase: string | undefined) =>
    wantedBase === undefined ? undefined : (languages.find((l) => l.toLowerCase() === wantedBase) ?? languages.find((l) => l.toLowerCase().split('-')[0] === wantedBase));
  // The visitor's language, else French (the forge's public), else English, else the file's first.
  const language = inLanguage(base) ?? inLanguage('fr') ?? inLanguage('en') ?? languages[0];
  const description = record(descriptions[language]);
  const maintenance = record(data.maintenance);
  const localisation = record(data.localisation);
  const legal = record(data.legal);
  const organisation = data.organisation === undefined ? null : record(data.organisation);
  return {
    name: text(data.name) ?? '',
    language,
    descriptionLanguages: languages,
    shortDescription: text(description.shortDescription) ?? '',
    longDescription: text(description.longDescription),
    features: texts(description.features),
    documentation: text(description.documentation),
    developmentStatus: String(data.developmentStatus),
    softwareType: String(data.softwareType),
    license: String(legal.license),
    mainCopyrightOwner: text(legal.mainCopyrightOwner),
    url: String(data.url),
    landingURL: text(data.landingURL),
    softwareVersion: text(data.softwareVersion) ?? (typeof data.softwareVersion === 'number' ? String(data.softwareVersion) : null),
    releaseDate: text(data.releaseDate),
    platforms: texts(data.platforms),
    categories: texts(data.categories),
    maintenance: {
      type: String(maintenance.type),
      contractors: (Array.isArray(maintenance.contractors) ? maintenance.contractors : []).map(person),
      contacts: (Array.isArray(maintenance.contacts) ? maintenance.contacts : []).map(person),
    },
    localisationReady: localisation.localisationReady === true,
    availableLanguages: texts(localisation.availableLanguages),
    organisation: organisation ? { uri: text(organisation.uri) ?? '', name: text(organisation.name) } : null,
  };
}

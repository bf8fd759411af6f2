import { request } from './client.js';
import { language } from '../i18n/index.js';

const repoApi = (owner: string, repo: string) => `/api/v1/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;

export const DEVELOPMENT_STATUSES = ['concept', 'development', 'beta', 'stable', 'obsolete'] as const;
export type DevelopmentStatus = (typeof DEVELOPMENT_STATUSES)[number];

export interface SheetPerson {
  name: string;
  email: string | null;
  phone: string | null;
  affiliation: string | null;
  website: string | null;
  until: string | null;
}

/** A valid publiccode.yml in one language. */
export interface SoftwareSheet {
  name: string;
  language: string;
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

export interface PubliccodeProblem {
  line: number;
  message: string;
  severity: 'error' | 'warning';
}

/** `GET /repos/{owner}/{repo}/publiccode`: `problems` only for those who may change the repository. */
export interface Publiccode {
  present: boolean;
  valid: boolean;
  problems?: PubliccodeProblem[];
  sheet: SoftwareSheet | null;
}

export interface Licence {
  detected: string | null;
  declared: string | null;
  file: string | null;
  mismatch: boolean;
  approved_in_france: boolean;
}

export interface CatalogueItem {
  id: number;
  full_name: string;
  owner: string;
  owner_type: string;
  html_url: string;
  clone_url: string;
  updated_at: string;
  topics: string[];
  licence: Licence;
  sheet: SoftwareSheet;
}

export interface CataloguePage {
  total: number;
  page: number;
  limit: number;
  data: CatalogueItem[];
}

export interface CatalogueFilter {
  q?: string;
  organisation?: string;
  status?: string;
  license?: string;
  category?: string;
  page?: number;
  limit?: number;
}

/** The filter as a query string (without `?`), for the API and the page's own URL. */
export function catalogueQuery(filter: CatalogueFilter): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(filter)) if (value !== undefined && value !== '' && !(key === 'page' && value === 1)) search.set(key, String(value));
  return search.toString();
}

/** The software sheet of a repository, in the interface language when the file has it. */
export function getPubliccode(owner: string, repo: string, signal?: AbortSignal): Promise<Publiccode> {
  return request(`${repoApi(owner, repo)}/publiccode?lang=${language()}`, { signal });
}

export function getLicence(owner: string, repo: string, signal?: AbortSignal): Promise<Licence> {
  return request(`${repoApi(owner, repo)}/licence`, { signal });
}

export function getCatalogue(filter: CatalogueFilter, signal?: AbortSignal): Promise<CataloguePage> {
  const query = catalogueQuery({ ...filter });
  return request(`/api/v1/catalogue?${query}${query ? '&' : ''}lang=${language()}`, { signal });
}

/** The CSV export of the same filter (a plain link: the browser downloads it). */
export function catalogueCsvUrl(filter: CatalogueFilter): string {
  const query = catalogueQuery({ ...filter, page: undefined, limit: undefined });
  return `/api/v1/catalogue.csv${query ? `?${query}` : ''}`;
}

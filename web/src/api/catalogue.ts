import { request } from './client.js';
import { language } from '../i18n/index.js';
import type { CatalogueFilter, CataloguePage, Licence, Publiccode } from '../../../contract/catalogue.js';

export { DEVELOPMENT_STATUSES } from '../../../contract/publiccode.js';
export type { CatalogueFilter, CatalogueItem, Licence, Publiccode, SheetPerson, SoftwareSheet } from '../../../contract/catalogue.js';

const repoApi = (owner: string, repo: string) => `/api/v1/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;


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

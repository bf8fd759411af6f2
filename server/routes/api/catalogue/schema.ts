import { Type, type Static } from '@sinclair/typebox';
import { CatalogueFilter, CataloguePage, Licence, Publiccode } from '../../../../contract/catalogue.js';

export { CataloguePage, Licence, Publiccode as PubliccodeResponse };

export const Message = Type.Object({ message: Type.String() }, { additionalProperties: true });
export const errors = { 401: Message, 403: Message, 404: Message };

export const RepoParams = Type.Object({ owner: Type.String(), repo: Type.String() });
export const OwnerParams = Type.Object({ owner: Type.String() });

export const LanguageQuery = Type.Object({ lang: Type.Optional(Type.String({ pattern: '^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$' })) });

export const CatalogueQuery = Type.Composite([CatalogueFilter, LanguageQuery]);
export type CatalogueQuery = Static<typeof CatalogueQuery>;

export const LicenceReportItem = Type.Object({
  full_name: Type.String(),
  private: Type.Boolean(),
  licence: Licence,
});

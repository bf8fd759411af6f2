import { Type, type Static } from '@sinclair/typebox';
import { DEVELOPMENT_STATUSES } from '../../../services/publiccode.js';

export const Message = Type.Object({ message: Type.String() }, { additionalProperties: true });
export const errors = { 401: Message, 403: Message, 404: Message };

export const RepoParams = Type.Object({ owner: Type.String(), repo: Type.String() });
export const OwnerParams = Type.Object({ owner: Type.String() });

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

export const Problem = Type.Object({ line: Type.Integer(), message: Type.String(), severity: Type.Union([Type.Literal('error'), Type.Literal('warning')]) });

const Person = Type.Object({
  name: Type.String(),
  email: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  affiliation: Nullable(Type.String()),
  website: Nullable(Type.String()),
  until: Nullable(Type.String()),
});

/** The software sheet: a valid publiccode.yml in one language. */
export const SoftwareSheet = Type.Object({
  name: Type.String(),
  language: Type.String(),
  descriptionLanguages: Type.Array(Type.String()),
  shortDescription: Type.String(),
  longDescription: Nullable(Type.String()),
  features: Type.Array(Type.String()),
  documentation: Nullable(Type.String()),
  developmentStatus: Type.String(),
  softwareType: Type.String(),
  license: Type.String(),
  mainCopyrightOwner: Nullable(Type.String()),
  url: Type.String(),
  landingURL: Nullable(Type.String()),
  softwareVersion: Nullable(Type.String()),
  releaseDate: Nullable(Type.String()),
  platforms: Type.Array(Type.String()),
  categories: Type.Array(Type.String()),
  maintenance: Type.Object({ type: Type.String(), contractors: Type.Array(Person), contacts: Type.Array(Person) }),
  localisationReady: Type.Boolean(),
  availableLanguages: Type.Array(Type.String()),
  organisation: Type.Union([Type.Object({ uri: Type.String(), name: Nullable(Type.String()) }), Type.Null()]),
});

export const LanguageQuery = Type.Object({ lang: Type.Optional(Type.String({ pattern: '^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$' })) });

/** `GET /repos/{owner}/{repo}/publiccode`: problems only for those who may change the repository. */
export const PubliccodeResponse = Type.Object({
  present: Type.Boolean(),
  valid: Type.Boolean(),
  problems: Type.Optional(Type.Array(Problem)),
  sheet: Type.Union([SoftwareSheet, Type.Null()]),
});

export const Licence = Type.Object({
  detected: Nullable(Type.String()),
  declared: Nullable(Type.String()),
  file: Nullable(Type.String()),
  mismatch: Type.Boolean(),
  approved_in_france: Type.Boolean(),
});

export const CatalogueQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 255 })),
  organisation: Type.Optional(Type.String({ maxLength: 100 })),
  status: Type.Optional(Type.Union(DEVELOPMENT_STATUSES.map((s) => Type.Literal(s)))),
  license: Type.Optional(Type.String({ maxLength: 100 })),
  category: Type.Optional(Type.String({ maxLength: 100 })),
  lang: LanguageQuery.properties.lang,
  page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 30 })),
});
export type CatalogueQuery = Static<typeof CatalogueQuery>;

export const CatalogueItem = Type.Object({
  id: Type.Integer(),
  full_name: Type.String(),
  owner: Type.String(),
  owner_type: Type.String(),
  html_url: Type.String(),
  clone_url: Type.String(),
  updated_at: Type.String(),
  topics: Type.Array(Type.String()),
  licence: Licence,
  sheet: SoftwareSheet,
});

export const CataloguePage = Type.Object({ total: Type.Integer(), page: Type.Integer(), limit: Type.Integer(), data: Type.Array(CatalogueItem) });

export const LicenceReportItem = Type.Object({
  full_name: Type.String(),
  private: Type.Boolean(),
  licence: Licence,
});

import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from './nullable.js';
import { DEVELOPMENT_STATUSES, SOFTWARE_TYPES } from './publiccode.js';

/** One problem found in a publiccode.yml, at its line. */
export const PubliccodeProblem = Type.Object({ line: Type.Integer(), message: Type.String(), severity: Type.Union([Type.Literal('error'), Type.Literal('warning')]) });
export type PubliccodeProblem = Static<typeof PubliccodeProblem>;

/** A contact or contractor named by the sheet's `maintenance`. */
export const SheetPerson = Type.Object({
  name: Type.String(),
  email: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  affiliation: Nullable(Type.String()),
  website: Nullable(Type.String()),
  until: Nullable(Type.String()),
});
export type SheetPerson = Static<typeof SheetPerson>;

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
  maintenance: Type.Object({ type: Type.String(), contractors: Type.Array(SheetPerson), contacts: Type.Array(SheetPerson) }),
  localisationReady: Type.Boolean(),
  availableLanguages: Type.Array(Type.String()),
  organisation: Type.Union([Type.Object({ uri: Type.String(), name: Nullable(Type.String()) }), Type.Null()]),
});
export type SoftwareSheet = Static<typeof SoftwareSheet>;

/** `GET /repos/{owner}/{repo}/publiccode`: `problems` only for those who may change the repository. */
export const Publiccode = Type.Object({
  present: Type.Boolean(),
  valid: Type.Boolean(),
  problems: Type.Optional(Type.Array(PubliccodeProblem)),
  sheet: Type.Union([SoftwareSheet, Type.Null()]),
});
export type Publiccode = Static<typeof Publiccode>;

/** `GET /repos/{owner}/{repo}/licence`: the licence detected in the files against the one the sheet declares. */
export const Licence = Type.Object({
  detected: Nullable(Type.String()),
  declared: Nullable(Type.String()),
  file: Nullable(Type.String()),
  mismatch: Type.Boolean(),
  approved_in_france: Type.Boolean(),
});
export type Licence = Static<typeof Licence>;

/** One repository of the catalogue, with its sheet. */
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
export type CatalogueItem = Static<typeof CatalogueItem>;

/** `GET /catalogue`: one page of the catalogue and how many items the filter matches. */
export const CataloguePage = Type.Object({ total: Type.Integer(), page: Type.Integer(), limit: Type.Integer(), data: Type.Array(CatalogueItem) });
export type CataloguePage = Static<typeof CataloguePage>;

/** Which software of the catalogue: a search, filters and a page (the query of GET /catalogue and its CSV). */
export const CatalogueFilter = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 255 })),
  organisation: Type.Optional(Type.String({ maxLength: 100 })),
  status: Type.Optional(Type.Union(DEVELOPMENT_STATUSES.map((s) => Type.Literal(s)))),
  license: Type.Optional(Type.String({ maxLength: 100 })),
  category: Type.Optional(Type.String({ maxLength: 100 })),
  type: Type.Optional(Type.Union(SOFTWARE_TYPES.map((s) => Type.Literal(s)))),
  page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 30 })),
});
export type CatalogueFilter = Static<typeof CatalogueFilter>;

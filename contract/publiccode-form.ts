import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from './nullable.js';

// The shapes only check types and bound sizes: the editor service checks the values themselves,
// so that a person gets a 422 naming each field rather than a schema error.

/** A contact who maintains the software (maintenance.contacts). */
export const PubliccodeContact = Type.Object({
  name: Type.String({ maxLength: 200 }),
  email: Type.Optional(Type.String({ maxLength: 254 })),
  phone: Type.Optional(Type.String({ maxLength: 50 })),
  affiliation: Type.Optional(Type.String({ maxLength: 200 })),
});
export type PubliccodeContact = Static<typeof PubliccodeContact>;

/** A company under contract to maintain the software (maintenance.contractors). */
export const PubliccodeContractor = Type.Object({
  name: Type.String({ maxLength: 200 }),
  email: Type.Optional(Type.String({ maxLength: 254 })),
  website: Type.Optional(Type.String({ maxLength: 500 })),
  until: Type.String({ maxLength: 10, description: 'YYYY-MM-DD' }),
});
export type PubliccodeContractor = Static<typeof PubliccodeContractor>;

/** The description in one language. */
export const PubliccodeDescription = Type.Object({
  language: Type.String({ maxLength: 20 }),
  shortDescription: Type.String({ maxLength: 1000 }),
  longDescription: Type.String({ maxLength: 20000 }),
  features: Type.Array(Type.String({ maxLength: 500 }), { maxItems: 50 }),
});
export type PubliccodeDescription = Static<typeof PubliccodeDescription>;

/** `POST /repos/{owner}/{repo}/publiccode`: the "Describe this software" form, from which the forge writes publiccode.yml. */
export const PubliccodeForm = Type.Object({
  name: Type.String({ maxLength: 255 }),
  descriptions: Type.Array(PubliccodeDescription, { maxItems: 20 }),
  developmentStatus: Type.String({ maxLength: 50 }),
  softwareType: Type.String({ maxLength: 50 }),
  categories: Type.Array(Type.String({ maxLength: 100 }), { maxItems: 20 }),
  license: Type.String({ maxLength: 100 }),
  mainCopyrightOwner: Type.Optional(Type.String({ maxLength: 255 })),
  maintenance: Type.Object({
    type: Type.String({ maxLength: 20 }),
    contacts: Type.Array(PubliccodeContact, { maxItems: 20 }),
    contractors: Type.Array(PubliccodeContractor, { maxItems: 20 }),
  }),
  platforms: Type.Array(Type.String({ maxLength: 50 }), { maxItems: 20 }),
  availableLanguages: Type.Array(Type.String({ maxLength: 20 }), { maxItems: 50 }),
  localisationReady: Type.Boolean(),
  landingURL: Type.Optional(Type.String({ maxLength: 500 })),
  softwareVersion: Type.Optional(Type.String({ maxLength: 50 })),
  releaseDate: Type.Optional(Type.String({ maxLength: 10 })),
  message: Type.Optional(Type.String({ maxLength: 65535 })),
});
export type PubliccodeForm = Static<typeof PubliccodeForm>;

/** One refused field of the form: its path (`descriptions[0].shortDescription`) and what is wrong. */
export const PubliccodeFieldProblem = Type.Object({ field: Type.String(), message: Type.String() });
export type PubliccodeFieldProblem = Static<typeof PubliccodeFieldProblem>;

/** What the form wrote: the commit on the default branch, or the pull request that proposes it when the branch is protected. */
export const PubliccodeWritten = Type.Object({
  path: Type.String(),
  branch: Type.String(),
  commit: Type.Object({ sha: Type.String(), html_url: Type.String() }),
  pull: Nullable(Type.Object({ number: Type.Integer(), html_url: Type.String() })),
  content: Type.String({ description: 'The publiccode.yml written' }),
});
export type PubliccodeWritten = Static<typeof PubliccodeWritten>;

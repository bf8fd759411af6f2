import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from './nullable.js';

// Not in licences.ts: the new-repository page imports that file's values, and these shapes would bring TypeBox into its chunk.

/** What is wrong with a repository's licence: no licence at all, a file and publiccode.yml that disagree, a licence off the French list. */
export const LicenceFlag = Type.Union([Type.Literal('none'), Type.Literal('mismatch'), Type.Literal('outside')]);
export type LicenceFlag = Static<typeof LicenceFlag>;

/** One repository of `GET /orgs/{org}/licences` (Fabrique's own): its licence as detected in its file and as declared in publiccode.yml. */
export const OrgLicenceItem = Type.Object({
  name: Type.String(),
  full_name: Type.String(),
  private: Type.Boolean(),
  empty: Type.Boolean(),
  default_branch: Type.String(),
  detected: Nullable(Type.String()),
  declared: Nullable(Type.String()),
  /** The licence file read, if any. */
  file: Nullable(Type.String()),
  flags: Type.Array(LicenceFlag),
});
export type OrgLicenceItem = Static<typeof OrgLicenceItem>;

/** Gitea's LicenseTemplateInfo (`GET /licenses/{name}`): a licence's text, to start a LICENSE file from. */
export const LicenseTemplateInfo = Type.Object({
  key: Type.String(),
  name: Type.String(),
  url: Type.String(),
  implementation: Type.String(),
  body: Type.String(),
});
export type LicenseTemplateInfo = Static<typeof LicenseTemplateInfo>;

import { Type, type Static } from '@sinclair/typebox';

/** The repository a comparison's head was read in, when it is not the base repository (a fork, as Gitea's `{user}:{branch}`). */
export const CompareHeadRepository = Type.Object({
  owner: Type.String(),
  name: Type.String(),
  full_name: Type.String(),
});
export type CompareHeadRepository = Static<typeof CompareHeadRepository>;

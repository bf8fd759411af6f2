/*
 * Gitea's merge styles and the repository settings that allow them, without TypeBox: the web app
 * imports these values (the merge box), the server the same ones (the merge service).
 */

/** Gitea's merge style names; `rebase-merge` (rebase, then a merge commit) is one Fabrique does not perform. */
export const MERGE_STYLE_NAMES = ['merge', 'rebase', 'rebase-merge', 'squash', 'fast-forward-only'] as const;
export type MergeStyleName = (typeof MERGE_STYLE_NAMES)[number];

/**
 * Which `allow_*` setting of a repository allows each merge style (Renovate refuses a repository
 * without them): the merge service refuses a style its repository disallows, and the merge box
 * offers only the allowed ones.
 */
export const MERGE_STYLE_SETTINGS = {
  merge: 'allow_merge_commits',
  rebase: 'allow_rebase',
  'rebase-merge': 'allow_rebase_explicit',
  squash: 'allow_squash_merge',
  'fast-forward-only': 'allow_fast_forward_only_merge',
} as const satisfies Record<MergeStyleName, string>;

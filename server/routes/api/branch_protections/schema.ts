import { Type, type Static } from '@sinclair/typebox';

export const RepoParams = Type.Object({
  owner: Type.String({ minLength: 1, maxLength: 100 }),
  repo: Type.String({ minLength: 1, maxLength: 100 }),
});

export const RuleParams = Type.Object({
  owner: Type.String({ minLength: 1, maxLength: 100 }),
  repo: Type.String({ minLength: 1, maxLength: 100 }),
  name: Type.String({ minLength: 1, maxLength: 255 }),
});

const Usernames = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 500 });

/** The settable fields, Gitea's names; absent means "unchanged" on edit and Gitea's default on create. */
const Settable = {
  enable_push: Type.Optional(Type.Boolean()),
  enable_push_whitelist: Type.Optional(Type.Boolean()),
  push_whitelist_usernames: Type.Optional(Usernames),
  enable_force_push: Type.Optional(Type.Boolean()),
  enable_force_push_allowlist: Type.Optional(Type.Boolean()),
  force_push_allowlist_usernames: Type.Optional(Usernames),
  required_approvals: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
  block_on_rejected_reviews: Type.Optional(Type.Boolean()),
  push_whitelist_teams: Type.Optional(Usernames),
  dismiss_stale_approvals: Type.Optional(Type.Boolean()),
  enable_status_check: Type.Optional(Type.Boolean()),
  status_check_contexts: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { maxItems: 100 })),
  /** Globs separated by semicolons, as Gitea. */
  protected_file_patterns: Type.Optional(Type.String({ maxLength: 2000 })),
};

export const CreateBranchProtectionBody = Type.Object({
  rule_name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  /** Gitea's older name for rule_name. */
  branch_name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  ...Settable,
});
export type CreateBranchProtectionBody = Static<typeof CreateBranchProtectionBody>;

export const EditBranchProtectionBody = Type.Object(Settable);
export type EditBranchProtectionBody = Static<typeof EditBranchProtectionBody>;

export const BranchProtection = Type.Object({
  branch_name: Type.String(),
  rule_name: Type.String(),
  enable_push: Type.Boolean(),
  enable_push_whitelist: Type.Boolean(),
  push_whitelist_usernames: Type.Array(Type.String()),
  push_whitelist_teams: Type.Array(Type.String()),
  enable_force_push: Type.Boolean(),
  enable_force_push_allowlist: Type.Boolean(),
  force_push_allowlist_usernames: Type.Array(Type.String()),
  force_push_allowlist_teams: Type.Array(Type.String()),
  required_approvals: Type.Integer(),
  block_on_rejected_reviews: Type.Boolean(),
  dismiss_stale_approvals: Type.Boolean(),
  enable_status_check: Type.Boolean(),
  status_check_contexts: Type.Array(Type.String()),
  protected_file_patterns: Type.String(),
  created_at: Type.String(),
  updated_at: Type.String(),
});
export type BranchProtection = Static<typeof BranchProtection>;

export const Message = Type.Object({ message: Type.String() }, { additionalProperties: true });

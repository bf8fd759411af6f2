/** publiccode.yml's `developmentStatus` values: the validator checks them, the catalogue page filters by them. */
export const DEVELOPMENT_STATUSES = ['concept', 'development', 'beta', 'stable', 'obsolete'] as const;
export type DevelopmentStatus = (typeof DEVELOPMENT_STATUSES)[number];

/**
 * Licences a French administration may choose for its source code and data (CRPA art. D323-2-1),
 * as SPDX ids. EUPL-1.2 first: the new-repository form offers them in this order.
 */
export const FRENCH_LICENCES = [
  'EUPL-1.2', 'Apache-2.0', 'BSD-2-Clause', 'BSD-3-Clause', 'CECILL-B', 'MIT', 'CECILL-2.1', 'CECILL-C',
  'GPL-3.0-or-later', 'LGPL-3.0-or-later', 'AGPL-3.0-or-later', 'MPL-2.0', 'EPL-2.0', 'etalab-2.0', 'ODbL-1.0',
] as const;

/** One licence of the French list. */
export type FrenchLicence = (typeof FRENCH_LICENCES)[number];

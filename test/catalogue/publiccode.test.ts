import { describe, expect, it } from 'vitest';
import { checkPubliccode, softwareSheet } from '../../server/services/publiccode.js';
import { approvedInFrance, detectLicence, sameLicence, spdxExpressionProblem } from '../../server/services/licences.js';
import { licenceFile, publiccode } from './fixtures.js';

describe('publiccode.yml', () => {
  it('reports invalid YAML with its line', () => {
    const check = checkPubliccode('name: Carto\nplatforms: [web\nurl: x\n');
    expect(check.valid).toBe(false);
    expect(check.data).toBeNull();
    expect(check.problems[0].message).toMatch(/^YAML syntax/);
    expect(check.problems[0].line).toBeGreaterThanOrEqual(2);
  });

  it('reports missing keys and wrong values, each at its line', () => {
    // setup
    const source = [
      'publiccodeYmlVersion: "0.5"', // 1
      'name: Carto', // 2
      'developmentStatus: finished', // 3
      'softwareType: standalone/web', // 4
      'description:', // 5
      '  fr:', // 6
      '    shortDescription: Cartographie', // 7
      'legal:', // 8
      '  license: EUPL-2.0', // 9
      'maintenance:', // 10
      '  type: contract', // 11
      'localisation:', // 12
      '  localisationReady: "yes"', // 13
      '  availableLanguages: [fr]', // 14
      'organisation:', // 15
      '  name: Métropole', // 16
      'IT:', // 17
      '  conforme: {}', // 18
    ].join('\n');
    // test
    const check = checkPubliccode(source);
    expect(check.valid).toBe(false);
    const at = (line: number) => check.problems.filter((p) => p.line === line).map((p) => p.message);
    expect(at(1)).toEqual(expect.arrayContaining([expect.stringContaining('"url" is required'), expect.stringContaining('"platforms" is required')]));
    expect(at(3)).toEqual([expect.stringContaining('"developmentStatus" must be one of')]);
    // A missing key is reported at the line of the section that lacks it.
    expect(at(5)).toEqual([expect.stringContaining('"longDescription" and "features"')]);
    expect(at(9)).toEqual([expect.stringContaining('"EUPL-2.0" is not an SPDX licence id')]);
    expect(at(10)).toEqual([expect.stringContaining('"maintenance.contractors" is required')]);
    expect(at(13)).toEqual([expect.stringContaining('localisationReady" must be true or false')]);
    expect(at(15)).toEqual([expect.stringContaining('"organisation.uri" is required')]);
    expect(check.problems.find((p) => p.line === 17)).toMatchObject({ severity: 'warning', message: expect.stringContaining('deprecated') });
  });

  it('asks for contacts when the maintenance is internal', () => {
    const check = checkPubliccode(publiccode().replace('  contacts:\n    - name: Ada Lovelace\n      email: ada@example.org\n', ''));
    expect(check.problems).toEqual([expect.objectContaining({ message: expect.stringContaining('"maintenance.contacts" is required') })]);
  });

  it('gives the sheet of a valid file in French, in English, and in the first language otherwise', () => {
    const check = checkPubliccode(publiccode());
    expect(check).toMatchObject({ valid: true, problems: [] });
    const data = check.data as Record<string, unknown>;
    expect(softwareSheet(data, 'fr')).toMatchObject({
      name: 'Carto',
      language: 'fr',
      shortDescription: 'Cartographie des équipements de la Métropole',
      features: ['Carte des équipements', 'Recherche par commune'],
      developmentStatus: 'stable',
      softwareType: 'standalone/web',
      license: 'EUPL-1.2',
      platforms: ['web'],
      availableLanguages: ['fr', 'en'],
      maintenance: { type: 'internal', contacts: [{ name: 'Ada Lovelace', email: 'ada@example.org' }] },
    });
    expect(softwareSheet(data, 'en')).toMatchObject({ language: 'en', shortDescription: "Map of the Metropole's public facilities" });
    expect(softwareSheet(data, 'de').language).toBe('fr');
  });

  it('checks SPDX expressions', () => {
    expect(spdxExpressionProblem('EUPL-1.2')).toBeNull();
    expect(spdxExpressionProblem('(MIT OR Apache-2.0) AND GPL-2.0-or-later WITH Classpath-exception-2.0')).toBeNull();
    expect(spdxExpressionProblem('LicenseRef-Metropole')).toBeNull();
    expect(spdxExpressionProblem('MIT OR')).toMatch(/missing/);
    expect(spdxExpressionProblem('Proprietary')).toMatch(/not an SPDX/);
  });
});

describe('licence detection', () => {
  it.each(['EUPL-1.2', 'MIT', 'Apache-2.0', 'CECILL-2.1', 'CECILL-B', 'BSD-3-Clause', 'MPL-2.0'])('recognises %s with a copyright line, re-wrapped', (id) => {
    expect(detectLicence(licenceFile(id))?.spdx).toBe(id);
  });

  it('recognises the GPL v3 text as GPL-3.0 (the text does not say "only" or "or later")', () => {
    const detected = detectLicence(licenceFile('GPL-3.0-only'));
    expect(detected?.spdx).toBe('GPL-3.0-or-later');
    expect(sameLicence('GPL-3.0-only', detected?.spdx as string)).toBe(true);
  });

  it('names an unlisted licence and flags it; a custom text is unknown', () => {
    expect(detectLicence(licenceFile('WTFPL'))?.spdx).toBe('WTFPL');
    expect(approvedInFrance('WTFPL')).toBe(false);
    expect(detectLicence('Copyright 2024 Ville\n\nYou may use this software only inside the city hall.')).toBeNull();
  });

  it('knows the French list', () => {
    expect(approvedInFrance('EUPL-1.2')).toBe(true);
    expect(approvedInFrance('MIT OR Apache-2.0')).toBe(true);
    expect(approvedInFrance('GPL-3.0-only')).toBe(false);
    expect(approvedInFrance('GPL-3.0+')).toBe(true);
    expect(approvedInFrance(null)).toBe(false);
  });
});

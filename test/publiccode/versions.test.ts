import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRepo, buildToken, buildUser } from '../helpers/factories.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { pushFiles } from '../catalogue/fixtures.js';
import { checkPubliccode, softwareSheet } from '../../server/services/publiccode.js';
import type { UserRow } from '../../server/db/users.js';

const fixture = (version: string) => readFileSync(new URL(`../fixtures/publiccode/v${version}.yml`, import.meta.url), 'utf8');
const VERSIONS = ['0.2', '0.3', '0.4', '0.5', '0.7'];

/** The 0.7 fixture with its description in these languages, in this order ("[de] ..." as the short description). */
function translated(languages: string[]): string {
  const [head, rest] = fixture('0.7').split('description:\n');
  const french = rest.slice(0, rest.indexOf('legal:'));
  const blocks = languages.map((l) => french.replace('  fr:', `  ${l}:`).replace(/shortDescription: .*/, `shortDescription: "[${l}] Carto"`));
  return `${head}description:\n${blocks.join('')}${rest.slice(rest.indexOf('legal:'))}`;
}

let server: TestServer;
let owner: UserRow;
let token: string;

const json = async (path: string, auth?: string) => {
  const response = await fetch(`${server.url}${path}`, { headers: auth ? { authorization: `token ${auth}` } : {} });
  expect(response.status, path).toBe(200);
  return response.json();
};

beforeAll(async () => {
  server = await startServer();
  const { db } = server.app.forge;
  owner = await buildUser(db);
  token = await buildToken(db, owner, ['all']);
  for (const version of [...VERSIONS, '0.9']) {
    const repo = await buildRepo(db, server.config.reposDir, owner, { name: `carto-${version.replace('.', '')}` });
    await pushFiles(server, repo, { 'publiccode.yml': fixture(version) });
  }
  // A library described in German and English only, and a web app in German and French (German first in both).
  const library = await buildRepo(db, server.config.reposDir, owner, { name: 'bibliotheque' });
  await pushFiles(server, library, { 'publiccode.yml': translated(['de', 'en']).replace('softwareType: standalone/web', 'softwareType: library') });
  const carte = await buildRepo(db, server.config.reposDir, owner, { name: 'carte' });
  await pushFiles(server, carte, { 'publiccode.yml': translated(['de', 'fr']) });
  // Eight repositories pushed with the real git CLI: slow on a loaded machine.
}, 180_000);
afterAll(() => server.close());

describe('publiccode.yml versions through the API', () => {
  it.each(VERSIONS)('accepts a %s file, and suggests the upgrade when it is not the latest', async (version) => {
    const view = await json(`/api/v1/repos/${owner.username}/carto-${version.replace('.', '')}/publiccode`, token);
    expect(view).toMatchObject({ present: true, valid: true, sheet: { name: 'Carto' } });
    const errors = view.problems.filter((p: { severity: string }) => p.severity === 'error');
    expect(errors).toEqual([]);
    const upgrade = view.problems.filter((p: { message: string }) => p.message.includes('is not the latest'));
    if (version === '0.7') expect(upgrade).toEqual([]);
    else expect(upgrade).toEqual([expect.objectContaining({ line: 2, severity: 'warning', message: expect.stringContaining(`Version ${version} `) })]);
  });

  it('flags a 0.9 file as an unknown version validated as the latest, and does not take it as valid', async () => {
    const view = await json(`/api/v1/repos/${owner.username}/carto-09/publiccode`, token);
    expect(view).toMatchObject({ present: true, valid: false, sheet: null });
    expect(view.problems).toEqual([expect.objectContaining({ line: 2, severity: 'warning', message: expect.stringMatching(/^Unknown version "0\.9" of the standard, validated as 0\.7/) })]);
    // A visitor sees no sheet either.
    expect(await json(`/api/v1/repos/${owner.username}/carto-09/publiccode`)).toEqual({ present: true, valid: false, sheet: null });
  });

  it('lists every accepted version in the catalogue, and not the 0.9 file', async () => {
    const page = await json(`/api/v1/catalogue?organisation=${owner.username}&type=standalone/web`);
    const names = page.data.map((item: { full_name: string }) => item.full_name);
    expect(names.filter((n: string) => n.includes('/carto-')).sort()).toEqual(VERSIONS.map((v) => `${owner.username}/carto-${v.replace('.', '')}`).sort());
  });
});

describe('the catalogue', () => {
  const shortOf = async (repo: string, lang: string) => {
    const page = await json(`/api/v1/catalogue?organisation=${owner.username}&lang=${lang}`);
    return page.data.find((item: { full_name: string }) => item.full_name === `${owner.username}/${repo}`).sheet.shortDescription;
  };

  it('filters by software type', async () => {
    const page = await json(`/api/v1/catalogue?organisation=${owner.username}&type=library`);
    expect(page.data.map((item: { full_name: string }) => item.full_name)).toEqual([`${owner.username}/bibliotheque`]);
    const wrong = await fetch(`${server.url}/api/v1/catalogue?type=logiciel`);
    expect(wrong.status).toBe(422);
  });

  it("gives the description in the visitor's language, else French, else English, else the first", async () => {
    expect(await shortOf('carte', 'de')).toBe('[de] Carto');
    expect(await shortOf('carte', 'en')).toBe('[fr] Carto');
    expect(await shortOf('bibliotheque', 'fr')).toBe('[en] Carto');
    expect(await shortOf('bibliotheque', 'de')).toBe('[de] Carto');
    // Neither French nor English: the first language of the file.
    const check = checkPubliccode(translated(['de', 'it']));
    expect(softwareSheet(check.data as Record<string, unknown>, 'es').shortDescription).toBe('[de] Carto');
  });
});

describe('the rules of each version', () => {
  it.each(['0.2', '0.2.0', '0.2.1', '0.2.2', '0.3', '0.3.0', '0.4', '0.4.0', '0.5', '0.5.0', '0.7', '0.7.0', '0'])(
    'accepts the spelling "%s" the reference validator accepts',
    (spelling) => {
      // Each spelling on the fixture of its version ("0" is the reference validator's name for the latest).
      const source = fixture(spelling === '0' ? '0.7' : spelling.slice(0, 3));
      const check = checkPubliccode(source.replace(/^publiccodeYmlVersion: .*$/m, `publiccodeYmlVersion: "${spelling}"`));
      expect(check.problems.filter((p) => p.severity === 'error')).toEqual([]);
      expect(check.valid).toBe(true);
    },
  );

  it('refuses versions that never existed (0.1, 0.6) and text', () => {
    for (const spelling of ['0.1', '0.6', 'latest']) {
      const check = checkPubliccode(fixture('0.7').replace('"0.7"', `"${spelling}"`));
      expect(check.valid, spelling).toBe(false);
      expect(check.problems, spelling).toContainEqual(expect.objectContaining({ line: 2, severity: 'error', message: expect.stringContaining('must be a version of the standard') }));
    }
  });

  it('takes only a web address as landingURL: it becomes a link on the sheet and in the catalogue', () => {
    for (const bad of ['javascript:alert(1)', 'data:text/html,x', '//evil.example', '42']) {
      const check = checkPubliccode(fixture('0.7').replace(/^url: .*$/m, (line) => `${line}\nlandingURL: "${bad}"`));
      expect(check.valid, bad).toBe(false);
      expect(check.problems, bad).toContainEqual(expect.objectContaining({ severity: 'error', message: '"landingURL" must be a web address (http:// or https://).' }));
    }
    expect(checkPubliccode(fixture('0.7').replace(/^url: .*$/m, (line) => `${line}\nlandingURL: "https://carto.example.org"`)).valid).toBe(true);
  });

  it('asks 0.2 for genericName, and warns that 0.3 and later deprecate it', () => {
    const without = checkPubliccode(fixture('0.2').replace('    genericName: Cartographie\n', ''));
    expect(without.valid).toBe(false);
    expect(without.problems).toContainEqual(expect.objectContaining({ severity: 'error', message: 'The key "description.fr.genericName" is required.' }));
    const deprecated = checkPubliccode(fixture('0.2').replace('"0.2"', '"0.3"'));
    expect(deprecated.valid).toBe(true);
    expect(deprecated.problems).toContainEqual(expect.objectContaining({ severity: 'warning', message: expect.stringContaining('genericName" is deprecated since version 0.3') }));
  });

  it('asks for releaseDate before 0.4 and for categories before 0.5', () => {
    const noDate = checkPubliccode(fixture('0.3').replace('releaseDate: "2021-03-01"\n', ''));
    expect(noDate.problems).toContainEqual(expect.objectContaining({ severity: 'error', message: expect.stringContaining('"releaseDate" is required in version 0.3') }));
    expect(checkPubliccode(fixture('0.4').replace('"0.4"', '"0.3"')).valid).toBe(false);
    const noCategories = checkPubliccode(fixture('0.5').replace('"0.5"', '"0.4"'));
    expect(noCategories.valid).toBe(false);
    expect(noCategories.problems).toContainEqual(expect.objectContaining({ severity: 'error', message: expect.stringContaining('"categories" is required in version 0.4') }));
  });

  it('warns about keys and categories newer than the declared version, and refuses categories outside the list', () => {
    const older = checkPubliccode(fixture('0.7').replace('"0.7"', '"0.4"').replace('  - other', '  - other\n  - data-collection'));
    expect(older.valid).toBe(true);
    expect(older.problems).toContainEqual(expect.objectContaining({ severity: 'warning', message: expect.stringContaining('"organisation" was added in version 0.5') }));
    expect(older.problems).toContainEqual(expect.objectContaining({ severity: 'warning', message: expect.stringContaining('category "other" was added in version 0.5') }));
    const unknown = checkPubliccode(fixture('0.7').replace('  - other', '  - cartographie'));
    expect(unknown.valid).toBe(false);
    expect(unknown.problems).toContainEqual(expect.objectContaining({ severity: 'error', message: expect.stringContaining('"cartographie" is not a category') }));
  });

  it('warns about legal.repoOwner from 0.5 on, and not in 0.4', () => {
    const withOwner = (version: string) => checkPubliccode(fixture('0.4').replace('"0.4"', `"${version}"`).replace('  license: EUPL-1.2', '  license: EUPL-1.2\n  repoOwner: Métropole'));
    const deprecation = (version: string) => withOwner(version).problems.filter((p) => p.message.includes('repoOwner" is deprecated'));
    expect(deprecation('0.4')).toEqual([]);
    expect(deprecation('0.5')).toEqual([expect.objectContaining({ severity: 'warning', message: expect.stringContaining('use "organisation.name" instead') })]);
  });
});

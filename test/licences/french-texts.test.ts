import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRepo, buildToken, buildUser } from '../helpers/factories.js';
import { commitFiles, git, repoUrl, tempDir } from '../helpers/git.js';
import { startServer, type TestServer } from '../helpers/server.js';
import type { UserRow } from '../../server/db/users.js';

// The official French texts as projects ship them, each a second copy independent of the one the
// detector indexes: cecill.info's files (CeCILL-B with CRLF line ends, CeCILL-C with the holder's
// copyright line on top) and the European Commission's French EUPL v1.2.
const fixture = (name: string) => readFileSync(new URL(`../fixtures/licences/${name}`, import.meta.url), 'utf8');
const TEXTS = {
  'CECILL-2.1': fixture('Licence_CeCILL_V2.1-fr.txt'),
  'CECILL-B': fixture('Licence_CeCILL-B_V1-fr.txt'),
  'CECILL-C': fixture('Licence_CeCILL-C_V1-fr.txt'),
  'EUPL-1.2': fixture('EUPL-1.2-fr.txt'),
} as const;

/** The text as a project may re-type it: re-wrapped at 60 columns, upper-cased headings, no accents. */
function retyped(text: string): string {
  const words = text.normalize('NFD').replace(/\p{M}/gu, '').split(/\s+/);
  const lines: string[] = [];
  for (let i = 0; i < words.length; i += 9) lines.push(words.slice(i, i + 9).join(' '));
  return `Copyright (c) 2025 Métropole de Lyon\n\n${lines.map((line, i) => (i % 7 === 0 ? line.toUpperCase() : line)).join('\n')}\n`;
}

let server: TestServer;
let owner: UserRow;
let token: string;

beforeAll(async () => {
  server = await startServer();
  owner = await buildUser(server.app.forge.db);
  token = await buildToken(server.app.forge.db, owner, ['all']);
});
afterAll(() => server.close());

/** Creates a repository and pushes one commit with these files to it with the git CLI; returns the repository's JSON. */
async function pushed(files: Record<string, string>): Promise<{ licenses: string[]; licence: { detected: string | null; file: string | null } }> {
  // setup
  const repo = await buildRepo(server.app.forge.db, server.config.reposDir, owner);
  const dir = tempDir();
  await git(['init', '-q', '-b', 'main', dir]);
  await commitFiles(dir, files, 'Licence');
  await git(['push', '-q', repoUrl(server.url, owner.username, repo.name, { user: owner.username, secret: token }), 'main'], { cwd: dir });
  // test
  const api = `${server.url}/api/v1/repos/${owner.username}/${repo.name}`;
  const headers = { authorization: `token ${token}` };
  const licence = await fetch(`${api}/licence`, { headers });
  expect(licence.status).toBe(200);
  const repository = await fetch(api, { headers });
  expect(repository.status).toBe(200);
  return { licenses: ((await repository.json()) as { licenses: string[] }).licenses, licence: (await licence.json()) as { detected: string | null; file: string | null } };
}

describe('French licence texts pushed as LICENSE', () => {
  for (const [id, text] of Object.entries(TEXTS)) {
    it(`recognises the official French text of ${id} (Gitea's licenses and the repository's licence)`, async () => {
      const { licenses, licence } = await pushed({ LICENSE: text, 'README.md': '# Projet\n' });
      expect(licenses).toEqual([id]);
      expect(licence).toMatchObject({ detected: id, file: 'LICENSE' });
    });
  }

  it('tolerates re-wrapping, case, lost accents and a copyright line (LICENCE.txt, CeCILL-2.1)', async () => {
    const { licenses, licence } = await pushed({ 'LICENCE.txt': retyped(TEXTS['CECILL-2.1']) });
    expect(licenses).toEqual(['CECILL-2.1']);
    expect(licence.file).toBe('LICENCE.txt');
  });

  it('tells CeCILL-B from CeCILL-C, which share most of their articles, both ways and re-typed', async () => {
    expect((await pushed({ LICENSE: retyped(TEXTS['CECILL-B']) })).licenses).toEqual(['CECILL-B']);
    expect((await pushed({ LICENSE: retyped(TEXTS['CECILL-C']) })).licenses).toEqual(['CECILL-C']);
  });

  it('does not take a text that is only the CeCILL preamble for the licence', async () => {
    const preamble = TEXTS['CECILL-B'].slice(0, TEXTS['CECILL-B'].indexOf('Article 1'));
    const { licenses, licence } = await pushed({ LICENSE: preamble });
    expect(licenses).toEqual([]);
    expect(licence).toMatchObject({ detected: null, file: 'LICENSE' });
  });
});

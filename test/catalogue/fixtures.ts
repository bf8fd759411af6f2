import { createRequire } from 'node:module';
import { touchRepo, type RepoRow } from '../../server/db/repos.js';
import type { UserRow } from '../../server/db/users.js';
import { repoPath } from '../../server/git/store.js';
import { createOrg } from '../../server/services/orgs.js';
import { ANONYMOUS } from '../../server/auth/policy.js';
import { buildRepo, buildUser } from '../helpers/factories.js';
import { pushHistory } from '../helpers/git.js';
import type { TestServer } from '../helpers/server.js';

const spdx = createRequire(import.meta.url)('spdx-license-list/full') as Record<string, { licenseText: string }>;

/** A licence's SPDX text as a project ships it: a copyright line first, lines re-wrapped. */
export function licenceFile(id: string, holder = 'Métropole de Lyon'): string {
  const words = spdx[id].licenseText.replace(/<year>|<copyright holders>/g, '').split(/\s+/);
  const lines: string[] = [];
  for (let i = 0; i < words.length; i += 11) lines.push(words.slice(i, i + 11).join(' '));
  return `Copyright (c) 2024 ${holder}\n\n${lines.join('\n')}\n`;
}

/** A valid publiccode.yml in French and English. */
export function publiccode(overrides: { name?: string; status?: string; license?: string; categories?: string[]; type?: string } = {}): string {
  return `publiccodeYmlVersion: "0.7"
name: ${overrides.name ?? 'Carto'}
url: https://forge.example/metropole/carto.git
softwareVersion: "1.2.0"
releaseDate: "2024-03-01"
platforms:
  - web
categories: [${(overrides.categories ?? ['geographic-information-systems']).join(', ')}]
developmentStatus: ${overrides.status ?? 'stable'}
softwareType: ${overrides.type ?? 'standalone/web'}
description:
  fr:
    shortDescription: Cartographie des équipements de la Métropole
    longDescription: >
      Une application web qui montre sur une carte les équipements publics de la Métropole,
      avec leurs horaires et leur accessibilité.
    features:
      - Carte des équipements
      - Recherche par commune
  en:
    shortDescription: Map of the Metropole's public facilities
    longDescription: >
      A web application that shows the Metropole's public facilities on a map, with their
      opening hours and accessibility.
    features:
      - Map of facilities
      - Search by town
legal:
  license: ${overrides.license ?? 'EUPL-1.2'}
  mainCopyrightOwner: Métropole de Lyon
maintenance:
  type: internal
  contacts:
    - name: Ada Lovelace
      email: ada@example.org
localisation:
  localisationReady: true
  availableLanguages:
    - fr
    - en
`;
}

/** Pushes files onto a repository's default branch and marks it non-empty. */
export async function pushFiles(server: TestServer, repo: RepoRow, files: Record<string, string>): Promise<string> {
  const [id] = pushHistory(repoPath(server.config.reposDir, repo.owner_name, repo.name), [{ message: 'Initial commit', files }]);
  await touchRepo(server.app.forge.db, repo.id, { isEmpty: false });
  return id;
}

export interface CatalogueFixture {
  owner: UserRow;
  org: UserRow;
  carto: RepoRow;
  agenda: RepoRow;
  secret: RepoRow;
  broken: RepoRow;
  plain: RepoRow;
}

/** An organisation with software in the catalogue, a private one, an invalid one and one without publiccode.yml. */
export async function catalogueFixture(server: TestServer): Promise<CatalogueFixture> {
  const { db } = server.app.forge;
  const reposDir = server.config.reposDir;
  const owner = await buildUser(db);
  const org = await createOrg(db, owner, { username: `metropole${owner.id}`, visibility: 'public' }, { actor: ANONYMOUS, ip: '127.0.0.1' });
  const carto = await buildRepo(db, reposDir, org, { name: 'carto' });
  await pushFiles(server, carto, { 'publiccode.yml': publiccode(), LICENSE: licenceFile('EUPL-1.2'), 'README.md': '# Carto\n' });
  const agenda = await buildRepo(db, reposDir, owner, { name: 'agenda' });
  await pushFiles(server, agenda, {
    'publiccode.yml': publiccode({ name: 'Agenda', status: 'beta', license: 'MIT', categories: ['event-management'] }),
    'LICENSE.md': licenceFile('Apache-2.0'),
    'README.md': '# Agenda\n',
  });
  const secret = await buildRepo(db, reposDir, org, { name: 'secret', isPrivate: true });
  await pushFiles(server, secret, { 'publiccode.yml': publiccode({ name: 'Secret' }) });
  const broken = await buildRepo(db, reposDir, org, { name: 'broken' });
  await pushFiles(server, broken, { 'publiccode.yml': 'name: Broken\ndevelopmentStatus: finished\n' });
  const plain = await buildRepo(db, reposDir, owner, { name: 'plain' });
  await pushFiles(server, plain, { 'COPYING.txt': 'Do what you like with it, but tell me.\n' });
  return { owner, org, carto, agenda, secret, broken, plain };
}

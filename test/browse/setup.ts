import { touchRepo, type RepoRow } from '../../server/db/repos.js';
import type { UserRow } from '../../server/db/users.js';
import { repoPath } from '../../server/git/store.js';
import { buildRepo, buildUser } from '../helpers/factories.js';
import { pushHistory, type FixtureCommit } from '../helpers/git.js';
import { startServer, type TestServer } from '../helpers/server.js';

/** A PNG header followed by a NUL: binary to git and to Fabrique. */
export const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]);

export const HOSTILE_README = [
  '# Projet',
  '',
  'See [the guide](docs/guide.md) and ![logo](logo.png).',
  '',
  '<script>alert("readme")</script>',
  '',
  '[click](javascript:alert(1)) <a href="javascript:alert(2)">x</a>',
  '',
  '<img src="x.png" onerror="alert(3)"> <div onclick="alert(4)" style="position:fixed">hi</div>',
  '',
  'An [external link](https://example.org/a).',
  '',
  '<iframe src="https://evil.example"></iframe>',
  '',
].join('\n');

const GUIDE = Array.from({ length: 30 }, (_, i) => `Guide line ${i + 1}`).join('\n') + '\n';

/** The history every browse test reads: a rename, a binary change, a tag, a branch with a slash, and enough commits to paginate. */
export const HISTORY: FixtureCommit[] = [
  {
    message: 'Initial commit\n\nWith a body.',
    files: {
      'README.md': HOSTILE_README,
      'src/app.ts': 'export const answer = 42;\n',
      'docs/guide.md': GUIDE,
      'logo.png': PNG,
      'page.html': '<script>alert("raw")</script>\n',
    },
  },
  { message: 'Change the answer', files: { 'src/app.ts': 'export const answer = 43;\nexport const question = "?";\n' } },
  {
    message: 'Rename the guide, new logo',
    renames: { 'docs/guide.md': 'docs/manual.md' },
    files: { 'docs/manual.md': GUIDE.replace('Guide line 3\n', 'Manual line 3\n'), 'logo.png': Buffer.concat([PNG, PNG]) },
    tag: { name: 'v1.0', message: 'First release' },
  },
  ...Array.from({ length: 34 }, (_, i) => ({ message: `Count ${i + 1}`, files: { 'counter.txt': `${i + 1}\n` } })),
  { message: 'Start a feature', branch: 'feature/x', files: { 'src/feature.ts': 'export const feature = true;\n' }, tag: { name: 'light' } },
];

export interface BrowseFixture {
  server: TestServer;
  owner: UserRow;
  repo: RepoRow;
  privateRepo: RepoRow;
  commits: string[];
  api: (path: string, init?: RequestInit) => Promise<Response>;
}

/** A server with one public and one private repository holding HISTORY. */
export async function browseFixture(): Promise<BrowseFixture> {
  const server = await startServer();
  const { db } = server.app.forge;
  const owner = await buildUser(db);
  const repo = await buildRepo(db, server.config.reposDir, owner, { name: 'projet' });
  const privateRepo = await buildRepo(db, server.config.reposDir, owner, { name: 'secret', isPrivate: true });
  const commits = pushHistory(repoPath(server.config.reposDir, owner.username, repo.name), HISTORY);
  pushHistory(repoPath(server.config.reposDir, owner.username, privateRepo.name), HISTORY);
  await touchRepo(db, repo.id, { isEmpty: false });
  await touchRepo(db, privateRepo.id, { isEmpty: false });
  const api = (path: string, init?: RequestInit) => fetch(`${server.url}/api/v1/repos/${owner.username}/${path}`, init);
  return { server, owner, repo, privateRepo, commits, api };
}

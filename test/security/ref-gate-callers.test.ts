import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SERVER = join(import.meta.dirname, '..', '..', 'server');

/** Every TypeScript source of the server, by its path under server/. */
function sources(dir = SERVER): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) for (const [name, text] of sources(path)) files.set(name, text);
    else if (entry.name.endsWith('.ts')) files.set(relative(SERVER, path), readFileSync(path, 'utf8'));
  }
  return files;
}

/** The code without its comments, so that prose naming `update-ref` does not count. */
const code = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');

/** Ways to move a ref without the gate: git's low-level update, isomorphic-git's lock-less write, a fetch into refs/. */
const LOW_LEVEL = [/\bupdateRefs?\b/, /['"`]update-ref['"`]/, /\bwriteRef\b/, /['"`]\+?refs\/[^'"`]*:refs\//];

/** Where low-level ref moves are allowed, and why. */
const ALLOWED = new Map([
  ['services/ref-gate.ts', 'the gate itself'],
  ['git/write.ts', 'the compare-and-swap, and refs of a new repository not yet in place (fork copy, first commit)'],
  ['git/remote.ts', "mirror and import fetches: a mirror's own rule (mirrorSyncRefusal), transfer.fsckObjects"],
]);

describe('the one ref gate', () => {
  it('is the only module that moves refs with the low-level update', () => {
    const bypasses = [...sources()]
      .filter(([name]) => !ALLOWED.has(name))
      .flatMap(([name, text]) => LOW_LEVEL.filter((pattern) => pattern.test(code(text))).map((pattern) => `${name} uses ${pattern}`));
    expect(bypasses).toEqual([]);
  });

  it('lists every caller: each ref move of the forge goes through moveRefs or the push check', () => {
    const callers = [...sources()]
      .filter(([name, text]) => name !== 'services/ref-gate.ts' && /\b(moveRefs|refMoveRefusals|checkRefWrite|mirrorSyncRefusal)\b/.test(code(text)))
      .map(([name]) => name)
      .sort();
    // A new write path joins this list; a path that moves refs without it fails the test above.
    expect(callers).toEqual([
      'services/forks.ts', // fork sync
      'services/merge.ts', // merge, deleting the merged head branch
      'services/mirrors.ts', // mirror sync, its own rule
      'services/pulls.ts', // refs/pull/<n>/head
      'services/push.ts', // git push, in the pre-receive step
      'services/releases.ts', // the tag of a new release
      'services/remote-pulls.ts', // refs/pull/<n>/head of a pull request from another forge
      'services/repos.ts', // POST /branches
      'services/reviews.ts', // apply suggestion
      'services/upstream.ts', // a working fork's sync from its upstream
      'services/web-edit.ts', // web edit and propose
    ]);
  });

  it('keeps the low-level update inside git/write.ts to the compare-and-swap and new repositories', () => {
    const write = code(sources().get('git/write.ts') ?? '');
    const users = [...write.matchAll(/export (?:async )?function (\w+)[^]*?(?=\nexport |$)/g)].filter((m) => /\bupdateRefs?\(/.test(m[0])).map((m) => m[1]);
    expect(users.sort()).toEqual(['cloneObjectsAndRefs', 'updateRef', 'updateRefs', 'writeInitialCommit']);
  });
});

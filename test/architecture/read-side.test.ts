import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../server/app.js';

/** Every .ts file under a folder of the project. */
function sources(folder: string): string[] {
  const root = join(PROJECT_ROOT, folder);
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => join(root, name));
}

/** The modules a file imports (static imports and re-exports, types included). */
function imports(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/^(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1]);
}

const CONVERTED = ['repos', 'user-repos', 'users', 'user', 'orgs', 'teams', 'admin', 'setup', 'health', 'version'].map((f) => `server/routes/api/${f}`);

describe('the read side of repositories, accounts, organisations and git', () => {
  it('their routes import nothing from db/ or git/: reads go through views/, writes through services/', () => {
    const files = [...CONVERTED, 'server/routes/auth', 'server/routes/git'].flatMap(sources);
    expect(files.length).toBeGreaterThan(15);
    const offending = files.flatMap((file) =>
      imports(file)
        .filter((spec) => /\/(db|git)\//.test(spec))
        .map((spec) => `${relative(PROJECT_ROOT, file)} -> ${spec}`),
    );
    expect(offending).toEqual([]);
  });

  it('auth/ imports only db/, lib/ and the configuration, never services/ (no cycle)', () => {
    const offending = sources('server/auth').flatMap((file) =>
      imports(file)
        .filter((spec) => spec.startsWith('.') && !/^\.\/|^\.\.\/(db|lib)\/|^\.\.\/(config|errors)\.js$/.test(spec))
        .map((spec) => `${relative(PROJECT_ROOT, file)} -> ${spec}`),
    );
    expect(offending).toEqual([]);
  });

  it('services/ run no subprocess themselves: git commands sit in git/', () => {
    const offending = sources('server/services').filter((file) => imports(file).includes('node:child_process'));
    expect(offending.map((file) => relative(PROJECT_ROOT, file))).toEqual([]);
  });
});

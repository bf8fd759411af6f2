import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../server/config.js';

function tempRoot(): string {
  return mkdtempSync(join(tmpdir(), 'fabrique-config-'));
}

function dirs(root: string): Record<string, string> {
  return { FORGE_DATA_DIR: join(root, 'data'), FORGE_REPOS_DIR: join(root, 'repos') };
}

describe('configuration', () => {
  it('refuses an invalid value and names the variable', () => {
    const root = tempRoot();
    for (const [variable, value] of [
      ['PORT', 'abc'],
      ['PORT', '70000'],
      ['FORGE_BASE_URL', 'not a url'],
      ['FORGE_BASE_URL', 'ftp://example.org'],
      ['FORGE_ALLOW_SIGNUP', 'maybe'],
      ['FORGE_MAX_PUSH_BYTES', '-5'],
      ['FORGE_SECRET', 'short'],
      ['LOG_LEVEL', 'loud'],
    ]) {
      expect(() => loadConfig({ ...dirs(root), [variable]: value }), `${variable}=${value}`).toThrow(ConfigError);
      try {
        loadConfig({ ...dirs(root), [variable]: value });
      } catch (err) {
        expect((err as ConfigError).variable).toBe(variable);
        expect((err as Error).message).toContain(variable);
      }
    }
  });

  it('refuses a data directory that cannot be created', () => {
    const root = tempRoot();
    const file = join(root, 'a-file');
    writeFileSync(file, 'not a directory');
    expect(() => loadConfig({ FORGE_DATA_DIR: join(file, 'data'), FORGE_REPOS_DIR: join(root, 'repos') })).toThrow(
      /FORGE_DATA_DIR: the directory .* cannot be created or written \(ENOTDIR\)/,
    );
  });

  it('applies the documented defaults and keeps a generated secret across starts', () => {
    const root = tempRoot();
    const first = loadConfig(dirs(root));
    expect(first.port).toBe(3000);
    expect(first.host).toBe('127.0.0.1');
    expect(first.baseUrl).toBe('http://127.0.0.1:3000');
    expect(first.allowSignup).toBe(true);
    expect(first.maxPushBytes).toBe(1024 ** 3);
    expect(first.secret.length).toBeGreaterThanOrEqual(32);
    expect(readFileSync(join(root, 'data', 'secret'), 'utf8').trim()).toBe(first.secret);
    expect(loadConfig(dirs(root)).secret).toBe(first.secret);
    expect(existsSync(join(root, 'repos'))).toBe(true);
  });

  it('takes the base URL without its trailing slash', () => {
    const root = tempRoot();
    expect(loadConfig({ ...dirs(root), FORGE_BASE_URL: 'https://forge.example.org/' }).baseUrl).toBe('https://forge.example.org');
  });
});

import { describe, expect, it } from 'vitest';
import { compilePattern } from '../../contract/routes.js';

const params = (pattern: string, path: string) => {
  const { regex, keys } = compilePattern(pattern);
  const found = regex.exec(path);
  return found ? Object.fromEntries(keys.map((key, i) => [key, found[i + 1] ?? ''])) : null;
};

describe('route patterns', () => {
  it('matches literal paths exactly', () => {
    expect(params('/', '/')).toEqual({});
    expect(params('/explore', '/explore')).toEqual({});
    expect(params('/explore', '/explorer')).toBeNull();
    expect(params('/explore', '/')).toBeNull();
  });

  it('binds one segment per :name', () => {
    expect(params('/:owner/:repo', '/metropole/voirie')).toEqual({ owner: 'metropole', repo: 'voirie' });
    expect(params('/:owner/:repo', '/metropole')).toBeNull();
    expect(params('/:owner/:repo', '/metropole/voirie/extra')).toBeNull();
    expect(params('/:owner/:repo/pulls/:n', '/a/b/pulls/12')).toEqual({ owner: 'a', repo: 'b', n: '12' });
  });

  it('binds the rest of the path, possibly empty, to *name', () => {
    const pattern = '/:owner/:repo/src/branch/:branch/*path';
    expect(params(pattern, '/a/b/src/branch/main/docs/README.md')).toEqual({ owner: 'a', repo: 'b', branch: 'main', path: 'docs/README.md' });
    expect(params(pattern, '/a/b/src/branch/main')).toEqual({ owner: 'a', repo: 'b', branch: 'main', path: '' });
  });

  it('escapes literal characters and refuses a rest parameter that is not last', () => {
    expect(params('/:owner/:repo/compare/:range', '/a/b/compare/main...feature')).toEqual({ owner: 'a', repo: 'b', range: 'main...feature' });
    expect(params('/a.b', '/axb')).toBeNull();
    expect(() => compilePattern('/*path/more')).toThrow(/last segment/);
  });
});

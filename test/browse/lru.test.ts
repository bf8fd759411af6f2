import { describe, expect, it } from 'vitest';
import { Lru } from '../../server/lib/lru.js';
import { hunksOf } from '../../server/git/diff.js';

describe('Lru', () => {
  it('forgets the least recently used entry beyond its size', () => {
    const lru = new Lru<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    lru.get('a');
    lru.set('c', 3);
    expect([lru.get('a'), lru.get('b'), lru.get('c')]).toEqual([1, undefined, 3]);
  });

  it('keeps the total weight under its budget', () => {
    const lru = new Lru<string, string>(100, { maxWeight: 10, weigh: (v) => v.length });
    lru.set('a', 'xxxxxx');
    lru.set('b', 'yyyyyy');
    expect(lru.get('a')).toBeUndefined();
    expect(lru.get('b')).toBe('yyyyyy');
  });
});

describe('line diff', () => {
  it('makes unified hunks with three lines of context, apart when changes are far', () => {
    const before = 'abcdefghijk'.split('');
    const after = [...before];
    after[1] = 'B';
    after.push('l');
    expect(hunksOf(before, after).map((h) => h.header)).toEqual(['@@ -1,5 +1,5 @@', '@@ -9,3 +9,4 @@']);
  });
});

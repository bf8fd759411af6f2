import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The web's messages are split (web/src/i18n/index.ts): the core catalogue (fr.ts) is on every page,
// an area's (i18n/areas/<area>.ts) only where a module imports it. TypeScript checks a key exists in
// some catalogue, not that its area is loaded where it is shown: this reads the sources and does.
const WEB = fileURLToPath(new URL('../../web/src', import.meta.url));
const AREAS = join(WEB, 'i18n', 'areas');

/** The keys of a catalogue file: its `'key': …` lines. */
function keysOf(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/^ {2}'([^']+)': /gm)].map((match) => match[1]);
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return path === join(WEB, 'i18n') ? [] : sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const core = new Set(keysOf(join(WEB, 'i18n', 'fr.ts')));
/** Each non-core key and the area module that holds it. */
const areaOf = new Map<string, string>();
for (const name of readdirSync(AREAS).filter((file) => file.endsWith('.ts') && !file.endsWith('.en.ts'))) {
  for (const key of keysOf(join(AREAS, name))) areaOf.set(key, join(AREAS, name));
}
const allKeys = [...core, ...areaOf.keys()];
const files = sources(WEB);
const text = new Map(files.map((file) => [file, readFileSync(file, 'utf8')]));

/** The modules `file` imports for their values (a type-only import loads nothing). */
function imports(file: string): string[] {
  const found = [...(text.get(file) ?? '').matchAll(/^import\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?'(\.[^']+)';/gm)];
  return found.filter((match) => !match[1]).map((match) => resolve(dirname(file), match[2].replace(/\.js$/, '.ts')));
}

/** `file` and every module it imports statically, transitively: what has run when `file` runs. */
function closure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const imported of imports(file)) closure(imported, seen);
  return seen;
}

/** The message keys `file` names: literal keys, plural bases (`'diff.files'` → `.one`, `.other`) and `` `prefix.${…}` `` families. */
function keysUsedBy(file: string): string[] {
  const source = text.get(file) ?? '';
  const used = new Set<string>();
  for (const [, literal] of source.matchAll(/'([A-Za-z][\w.:-]*)'/g)) {
    for (const key of [literal, `${literal}.one`, `${literal}.other`]) if (core.has(key) || areaOf.has(key)) used.add(key);
  }
  for (const [, prefix] of source.matchAll(/`([A-Za-z][\w.]*\.)\$\{/g)) {
    for (const key of allKeys) if (key.startsWith(prefix)) used.add(key);
  }
  return [...used];
}

describe('the web catalogue areas', () => {
  it('every message a module shows is in the core catalogue or in an area that module loads before it runs', () => {
    const missing: string[] = [];
    let checked = 0;
    for (const file of files) {
      const loaded = closure(file);
      for (const key of keysUsedBy(file)) {
        checked++;
        const area = areaOf.get(key);
        if (!core.has(key) && area && !loaded.has(area)) missing.push(`${relative(WEB, file)}: '${key}' needs import '${relative(dirname(file), area).replace(/\.ts$/, '.js')}'`);
      }
    }
    // The scan finds the keys (hundreds), so an empty `missing` is not the scan finding nothing.
    expect(checked).toBeGreaterThan(500);
    expect(missing).toEqual([]);
  });

  it('no key is both in the core catalogue and in an area, nor in two areas', () => {
    const areaKeys = [...readdirSync(AREAS)].filter((file) => !file.endsWith('.en.ts')).flatMap((file) => keysOf(join(AREAS, file)));
    expect(areaKeys.filter((key) => core.has(key))).toEqual([]);
    expect(areaKeys.length).toBe(new Set(areaKeys).size);
  });
});

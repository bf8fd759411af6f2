/**
 * The route fuzzer: every operation of the OpenAPI document the app serves, with generated and
 * malformed path parameters, query strings and JSON bodies, as anonymous, a stranger and the owner.
 * No answer may be a 5xx or show a stack trace, and a refused request stores nothing.
 *
 * `npm test` runs a small budget with a fixed seed. For a deeper run:
 *   FUZZ_RUNS=200 FUZZ_SEED=$RANDOM npx vitest run test/security/fuzz.test.ts
 */
import fc from 'fast-check';
import { request as httpRequest, Agent } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../server/app.js';
import { buildRepo } from '../helpers/factories.js';
import { makeWorld, type PullWorld } from '../pulls/setup.js';
import { api, as } from '../helpers/http.js';
import { allRefs } from '../helpers/git.js';
import { tableNames } from '../helpers/tables.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 3);
const SEED = Number(process.env.FUZZ_SEED ?? 20_240_610);

interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  nullable?: boolean;
}
interface Parameter {
  in: 'path' | 'query' | 'header';
  name: string;
  schema?: JsonSchema;
}
interface Operation {
  method: string;
  path: string;
  parameters: Parameter[];
  body?: JsonSchema;
}

type Actor = 'anonymous' | 'stranger' | 'owner';

/**
 * Strings a hostile client sends: ordinary, long, unicode, NUL, traversal. Those for a URL stay under
 * Node's 16 KiB header limit once encoded (beyond it the HTTP parser, not Fabrique, answers 431).
 */
const urlString = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.constantFrom('', ' ', '..', '../../etc/passwd', 'a\u0000b', '\u0000', '%00', '%2F', '<script>', "' OR 1=1 --", '$&$1', 'é🙂\u202e'),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.integer({ min: 101, max: 200 }).map((n) => 'é'.repeat(n)),
  fc.constant('x'.repeat(1000)),
);
const hostileString = fc.oneof(urlString, fc.constantFrom('x'.repeat(100_000), `${'é'.repeat(70_000)}\u0000`));

/** A value shaped by a JSON schema, its strings drawn from `strings`. */
function shaped(schema: JsonSchema | undefined, strings: fc.Arbitrary<string>, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 4) return fc.jsonValue({ maxDepth: 2 });
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.const !== undefined) return fc.constant(schema.const);
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return fc.oneof(...union.map((s) => shaped(s, strings, depth + 1)));
  if (schema.allOf) return shaped(Object.assign({}, ...schema.allOf) as JsonSchema, strings, depth + 1);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  const value = ((): fc.Arbitrary<unknown> => {
    switch (type) {
      case 'string':
        return strings;
      case 'integer':
        return fc.oneof(fc.integer({ min: schema.minimum ?? -5, max: schema.maximum ?? 1000 }), fc.constantFrom(0, -1, 2 ** 53, 2 ** 31));
      case 'number':
        return fc.double({ noNaN: true });
      case 'boolean':
        return fc.boolean();
      case 'array':
        return fc.array(shaped(schema.items, strings, depth + 1), { maxLength: 3 });
      case 'object': {
        const props = schema.properties ?? {};
        const record = Object.fromEntries(Object.entries(props).map(([k, s]) => [k, shaped(s, strings, depth + 1)]));
        return fc.record(record, { requiredKeys: (schema.required ?? []).filter((k) => k in props) });
      }
      default:
        return fc.jsonValue({ maxDepth: 2 });
    }
  })();
  return schema.nullable ? fc.option(value, { nil: null }) : value;
}

/** A request body as raw text: shaped by the schema, with wrong types, huge, NUL, deeply nested or not JSON at all. */
function bodyFor(schema: JsonSchema | undefined): fc.Arbitrary<string | undefined> {
  const json = (a: fc.Arbitrary<unknown>) => a.map((v) => JSON.stringify(v) ?? 'null');
  const variants: fc.Arbitrary<string | undefined>[] = [
    json(shaped(schema, fc.string({ maxLength: 30 }))),
    json(shaped(schema, hostileString)),
    json(fc.jsonValue({ maxDepth: 3 })),
    fc.integer({ min: 100, max: 20_000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`),
    fc.integer({ min: 100, max: 5_000 }).map((n) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`),
    fc.constantFrom('{"title":', 'null', '', '"\u0000"', '{"__proto__":{"admin":true}}', '[]'),
  ];
  // A body where none is expected is sometimes sent too.
  if (!schema) variants.push(fc.constant(undefined), fc.constant(undefined));
  return fc.oneof(...variants);
}

/** Reads the OpenAPI document into a list of operations. */
function operationsOf(doc: { paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }>> }): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      ops.push({ method: method.toUpperCase(), path, parameters: op.parameters ?? [], body: op.requestBody?.content?.['application/json']?.schema });
    }
  }
  // Destructive calls last, the repository's own deletion at the very end, so the owner's earlier calls still find it.
  const rank = (op: Operation) => ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].indexOf(op.method) * 100 - op.path.split('/').length;
  return ops.sort((a, b) => rank(a) - rank(b));
}

describe('the route fuzzer', () => {
  let w: PullWorld;
  let ops: Operation[] = [];
  let agent: Agent;
  const valid: Record<string, string[]> = {};
  const tokens: Record<Actor, string | null> = { anonymous: null, stranger: null, owner: null };

  beforeAll(async () => {
    // setup: a public and a private repository with a pull request, a review comment and an organisation
    w = await makeWorld();
    const { db } = w.server.app.forge;
    const owner = w.maintainer.username;
    await buildRepo(db, w.server.config.reposDir, w.maintainer, { name: 'secret', isPrivate: true });
    const me = as(w.tokens.maintainer);
    const pull = (await api(w.server.url, 'POST', `/repos/${owner}/site/pulls`, { auth: me, body: { head: 'feature', base: 'main', title: 'Feature' } })).body.number;
    const review = await api(w.server.url, 'POST', `/repos/${owner}/site/pulls/${pull}/reviews`, {
      auth: me,
      body: { event: 'COMMENT', body: 'A look', comments: [{ path: 'NEW.md', body: 'Why?', new_position: 1 }] },
    });
    await api(w.server.url, 'POST', '/orgs', { auth: me, body: { username: 'fuzz-org' } });
    const head = allRefs(w.path).split('\n')[0].split(' ')[0];
    Object.assign(valid, {
      owner: [owner, 'fuzz-org'],
      repo: ['site', 'secret'],
      index: [String(pull)],
      id: [String(review.body.id), '1'],
      username: [w.contributor.username, owner],
      org: ['fuzz-org'],
      collaborator: [w.contributor.username],
      name: ['main'],
      topic: ['civic'],
      sha: [head],
      token: ['1'],
      '*': ['README.md', 'src/app.txt', 'main...feature'],
    });
    tokens.stranger = w.tokens.outsider;
    tokens.owner = w.tokens.maintainer;
    const doc = await fetch(`${w.server.url}/api/v1/openapi.json`);
    ops = operationsOf(await doc.json());
    agent = new Agent({ keepAlive: true });
  });
  afterAll(async () => {
    agent?.destroy();
    await w.server.close();
  });

  /** Counts of every table (the audit trail and the sign-in throttle record refusals on purpose) and the repository's refs. */
  const snapshot = async () => {
    const { db } = w.server.app.forge;
    const tables = (await tableNames(db)).filter((name) => name !== 'audit_events' && name !== 'login_attempts');
    return { rows: Object.fromEntries(await Promise.all(tables.map(async (t) => [t, await db.prepare(`SELECT count(*) FROM "${t}"`).pluck().get()]))), refs: allRefs(w.path) };
  };

  /** Sends exactly the path given (no URL normalisation, so `..` and `%00` reach the server as written). */
  function send(method: string, path: string, actor: Actor, body: string | undefined): Promise<{ status: number; text: string }> {
    const { port } = new URL(w.server.url);
    const token = tokens[actor];
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers.authorization = `token ${token}`;
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      // Node's client frames no DELETE body by itself: without a length, the server would read the body as the next request.
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, method, path, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  /** A path parameter: a value that exists, or a hostile one; specials are sent raw, the rest percent-encoded. */
  const pathParam = (name: string) =>
    fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...(valid[name] ?? ['x'])).map(encodeURIComponent) },
      fc.constantFrom('..', '%00', '%2F', '%2e%2e', 'a%00b', '.git', '-', '%C0%AE'),
      urlString.map(encodeURIComponent),
    );

  /** The operation's query string: its own parameters shaped or hostile, and sometimes one it does not know. */
  const queryFor = (op: Operation) =>
    fc
      .tuple(
        fc.tuple(...op.parameters.filter((p) => p.in === 'query').map((p) => fc.option(fc.tuple(fc.constant(p.name), fc.oneof(shaped(p.schema, fc.string({ maxLength: 20 })), urlString)), { nil: undefined }))),
        fc.option(fc.tuple(urlString, urlString), { nil: undefined }),
      )
      .map(([own, extra]) => {
        const pairs = [...own, extra].filter((p): p is [string, unknown] => p !== undefined);
        return pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&');
      });

  it('covers the operations of the OpenAPI document', () => {
    expect(ops.length).toBeGreaterThan(100);
  });

  it('answers every generated request without a 5xx or a stack trace, and a refused one stores nothing', async () => {
    // test: one property per operation, each with its own fixed seed
    const failures: string[] = [];
    for (const [i, op] of ops.entries()) {
      const names = [...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      const request = fc.record({
        actor: fc.constantFrom<Actor>('anonymous', 'stranger', 'owner'),
        params: fc.tuple(...names.map(pathParam)),
        query: queryFor(op),
        body: op.method === 'GET' ? fc.constant(undefined) : bodyFor(op.body),
      });
      // Every operation is tried even after one fails, so that one run lists every defect.
      const run = await fc.check(
        fc.asyncProperty(request, async ({ actor, params, query, body }) => {
          let path = op.path;
          names.forEach((name, k) => (path = path.replace(`{${name}}`, params[k])));
          if (query) path += `?${query}`;
          const checkStore = op.method !== 'GET';
          const before = checkStore ? await snapshot() : null;
          const res = await send(op.method, path, actor, body);
          const what = `${op.method} ${path.slice(0, 300)} as ${actor} → ${res.status} ${res.text.slice(0, 300)}`;
          expect(res.status, what).toBeLessThan(500);
          expect(res.text, what).not.toMatch(/\bat [^\n]*:\d+:\d+|node_modules|SqliteError/);
          expect(res.text.includes(PROJECT_ROOT), what).toBe(false);
          if (before && res.status >= 400) expect(await snapshot(), what).toEqual(before);
        }),
        { seed: SEED + i, numRuns: RUNS, endOnFailure: true },
      );
      if (run.failed) failures.push(`${op.method} ${op.path} (seed ${SEED + i}): ${String(run.errorInstance).slice(0, 700)}`);
    }
    expect(failures).toEqual([]);
  }, 600_000);
});

import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import app, { serverOptions, type AppOptions } from '../../server/app.js';
import { loadConfig, type Config } from '../../server/config.js';
import { TEST_PASSWORD_HASH_COST } from './factories.js';

export interface TestServer {
  app: FastifyInstance;
  config: Config;
  /** Base URL of the listening server, e.g. http://127.0.0.1:41234 */
  url: string;
  /** Temporary root holding data/ and repos/. */
  root: string;
  close(): Promise<void>;
}

export interface TestServerOptions extends Partial<Omit<AppOptions, 'config'>> {
  /** Extra environment variables for loadConfig (FORGE_ALLOW_SIGNUP, ...). */
  env?: Record<string, string>;
  /** Listen on an ephemeral port (default true); false only builds the app for inject(). */
  listen?: boolean;
  /** Sees every route as it is registered (added before the app): the route table for tests that walk it. */
  onRoute?: (route: RouteOptions) => void;
}

/** Builds the whole app on a fresh temporary data and repos directory and, by default, listens on 127.0.0.1. */
export async function startServer(options: TestServerOptions = {}): Promise<TestServer> {
  const root = mkdtempSync(join(tmpdir(), 'fabrique-test-'));
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    FORGE_DATA_DIR: join(root, 'data'),
    FORGE_REPOS_DIR: join(root, 'repos'),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    FORGE_PASSWORD_HASH_COST: String(TEST_PASSWORD_HASH_COST),
    ...options.env,
  });
  const server = Fastify(serverOptions(config));
  if (options.onRoute) server.addHook('onRoute', options.onRoute);
  await server.register(app, { config, migrationsDir: options.migrationsDir, webDir: options.webDir });
  let url = '';
  if (options.listen !== false) {
    await server.listen({ port: 0, host: '127.0.0.1' });
    const address = server.server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    url = `http://127.0.0.1:${address.port}`;
    // Clone URLs and links must name the real port: the base URL is known only now.
    config.baseUrl = url;
  } else {
    await server.ready();
  }
  return {
    app: server,
    config,
    url,
    root,
    async close() {
      await server.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

import Fastify from 'fastify';
import closeWithGrace from 'close-with-grace';
import app, { serverOptions } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { MigrationError, NewerDatabaseError } from './db/index.js';

/** Boots Fabrique: configuration, the app plugin, listen, and a graceful close on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`Fabrique cannot start: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }

  const server = Fastify(serverOptions(config));
  server.register(app, { config });

  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) server.log.error({ err }, 'closing after an error');
    else server.log.info({ signal }, 'closing: finishing requests in flight');
    await server.close();
  });

  try {
    await server.listen({ port: config.port, host: config.host });
  } catch (err) {
    if (err instanceof MigrationError || err instanceof NewerDatabaseError || err instanceof ConfigError) {
      server.log.fatal(err.message);
      console.error(`Fabrique cannot start: ${err.message}`);
    } else {
      server.log.fatal({ err }, 'Fabrique cannot start');
    }
    await server.close().catch(() => undefined);
    process.exit(1);
  }
}

await main();

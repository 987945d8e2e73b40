/** Production entry: reads the environment, starts the app, stops cleanly on SIGTERM. */
import { ConfigError, loadConfig, type Config } from './config.js';
import { EmbeddedDatabaseUnavailable } from './db/embedded.js';
import { startApp } from './start.js';

async function main() {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  try {
    const running = await startApp(config);
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        // Whatever hangs past the grace and the release after it, the platform would kill us anyway.
        setTimeout(() => process.exit(1), config.shutdownGraceMs + 5_000).unref();
        running.stop().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      });
    }
  } catch (error) {
    if (error instanceof EmbeddedDatabaseUnavailable) {
      console.error(error.message);
      process.exit(1);
    }
    console.error(error);
    process.exit(1);
  }
}

void main();

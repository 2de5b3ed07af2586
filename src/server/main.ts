/** `npm start`: configuration from the environment, then serve until a signal. */
import { loadConfig, ConfigError } from "./config.js";
import { createLogger } from "../common/log.js";
import { startTreff } from "./app.js";

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const log = createLogger(config.logLevel);
  const server = await startTreff(config, log);
  console.log(`Treff is running: open ${server.url} in a browser.`);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      log.info({ signal }, "shutting down");
      server.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
}

main().catch((error: Error) => {
  console.error(`Treff could not start: ${error.message}`);
  process.exit(1);
});

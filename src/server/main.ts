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
  const stop = () =>
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  process.once("SIGINT", () => {
    log.info({ signal: "SIGINT" }, "shutting down");
    void stop();
  });
  // SIGTERM (systemd, an update): with several nodes, meetings here may finish first, for
  // TREFF_DRAIN_SECONDS at most, then move to the other nodes. A second SIGTERM stops at once.
  process.once("SIGTERM", () => {
    log.info({ signal: "SIGTERM" }, "shutting down");
    process.once("SIGTERM", () => void stop());
    void server.drain(config.cluster.drainSeconds * 1000).then(stop, stop);
  });
}

main().catch((error: Error) => {
  console.error(`Treff could not start: ${error.message}`);
  process.exit(1);
});

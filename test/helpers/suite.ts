/**
 * The set-up every end-to-end suite shares: a real Treff (with its Janus)
 * and a headless Chromium for the `describe` block it is called in, started
 * before its first test and closed after its last.
 */
import { after, before } from "node:test";
import { mkdirSync } from "node:fs";
import type { Browser } from "playwright-core";
import { launchBrowser } from "./browser.js";
import { startTestServer, type TestServer, type TestServerOptions } from "./server.js";

/** Where the end-to-end tests save the screenshots people look at. */
export const SCREENSHOTS = "test-output/screenshots";

/** The running server and browser of one suite; reading either before `before` ran is a mistake and throws. */
export interface ServerAndBrowser {
  readonly server: TestServer;
  readonly browser: Browser;
}

/**
 * Registers, in the current `describe` block, a `before` hook that makes the
 * screenshot folder, starts the server and launches the browser, and an
 * `after` hook that closes both (browser first). Hooks run in the order they
 * are registered: a suite's own `before` registered after this call sees
 * both running, and its own `after` runs once both are closed.
 *
 * `options` may be a function, read in the `before` hook, for options that
 * only exist once an earlier hook ran (a coturn's secret). `browserArgs`:
 * more Chromium switches (launchBrowser).
 */
export function useServerAndBrowser(options: TestServerOptions | (() => TestServerOptions) = {}, browserArgs: string[] = []): ServerAndBrowser {
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  before(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    server = await startTestServer(typeof options === "function" ? options() : options);
    browser = await launchBrowser(browserArgs);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  return {
    get server() {
      if (!server) throw new Error("the suite's server starts in its before hook");
      return server;
    },
    get browser() {
      if (!browser) throw new Error("the suite's browser is launched in its before hook");
      return browser;
    },
  };
}

/**
 * Where Treff's connection to Janus comes from: either a Janus that Treff
 * runs itself (JanusSupervisor: writes the minimal configuration, starts the
 * process, waits until it answers, restarts it if it dies) or an external
 * Janus given by URL (ExternalJanus: connects and reconnects).
 *
 * Both emit `up` with a fresh connection and `down` when it is lost, so the
 * media plane above them does not care which one it has.
 */
import { EventEmitter } from "node:events";
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, mkdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { JanusConnection } from "./client.js";
import {
  JANUS_FILES,
  JANUS_LIBRARIES,
  janusMainConfig,
  janusVideoRoomConfig,
  janusWebSocketConfig,
  type JanusConfigOptions,
} from "./config.js";
import { redactAddresses, type Logger } from "../../common/log.js";
import { TokenBucket } from "../../common/token-bucket.js";

export type JanusBackendEvents = { up: [JanusConnection]; down: [] };

export interface JanusBackend extends EventEmitter<JanusBackendEvents> {
  /** Resolves with the first working connection. */
  start(): Promise<JanusConnection>;
  /** The current connection, if Janus is up. */
  readonly connection: JanusConnection | undefined;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 15_000;
const MAX_RESTART_DELAY_MS = 10_000;

/** Folders where distributions install the Janus plugin libraries. */
const LIBRARY_DIRS = [
  "/usr/lib/x86_64-linux-gnu/janus",
  "/usr/lib/aarch64-linux-gnu/janus",
  "/usr/lib/janus",
  "/usr/local/lib/janus",
  "/opt/janus/lib/janus",
];

export function findJanusLibraryDir(explicit?: string): string | undefined {
  const candidates = explicit ? [explicit] : LIBRARY_DIRS;
  return candidates.find((dir) => existsSync(join(dir, "plugins", JANUS_LIBRARIES.plugin)));
}

export interface SupervisorOptions extends Omit<JanusConfigOptions, "runtimeDir" | "apiSecret"> {
  /** The janus executable. */
  binary: string;
  /** Folder with plugins/ and transports/ of the installed Janus. */
  libraryDir: string;
  log: Logger;
  /** The API secret; random per start unless given (e.g. to let another tool share this Janus). */
  apiSecret?: string;
}

// The value of an "apisecret" field, also inside JSON printed as a string (\").
const API_SECRET_FIELD = /(apisecret\\?"\s*:\s*\\?")[^"\\]*/gi;
const SHORTEST_MASKED_TAIL = 4;

/**
 * Verbose Janus levels print whole API requests, secret included, and cut
 * long lines short, so a line may end in the middle of the secret: the value
 * of every apisecret field is masked, then the secret anywhere else, then a
 * line that ends in the secret's first characters.
 */
export function maskApiSecret(line: string, apiSecret: string): string {
  const text = line.replace(API_SECRET_FIELD, "$1***").split(apiSecret).join("***");
  for (let length = apiSecret.length - 1; length >= SHORTEST_MASKED_TAIL; length--) {
    if (text.endsWith(apiSecret.slice(0, length))) return text.slice(0, -length) + "***";
  }
  return text;
}

/** Janus' error lines logged as warnings: a burst, then one a second (see forwardJanusOutput). */
const JANUS_WARNINGS_BURST = 20;
const JANUS_WARNINGS_PER_SECOND = 1;

/**
 * Passes Janus' output on to our log, one whole line at a time, with
 * addresses and the API secret masked. Whole lines matter: a pipe delivers
 * chunks that may end mid-line, and a secret or an address cut in two would
 * slip past the masking.
 */
export function forwardJanusOutput(
  output: Readable,
  apiSecret: string,
  log: Pick<Logger, "warn" | "debug">,
  /**
   * Janus' errors as warnings: a burst, then a few a second. A client can make Janus print
   * errors (an SDP it cannot parse prints two), so without a cap one client could write the
   * warn log full at the message rate; past it, the lines go to debug.
   */
  warnings = new TokenBucket(JANUS_WARNINGS_BURST, JANUS_WARNINGS_PER_SECOND),
): void {
  createInterface({ input: output, crlfDelay: Infinity }).on("line", (line) => {
    if (!line.trim()) return;
    const text = maskApiSecret(redactAddresses(line), apiSecret);
    if (/\[ERR\]|FATAL/.test(line) && warnings.take()) log.warn({ janus: text }, "janus");
    else log.debug({ janus: text }, "janus");
  });
}

/** Runs Treff's own Janus as a child process. */
export class JanusSupervisor extends EventEmitter<JanusBackendEvents> implements JanusBackend {
  private child: ChildProcess | undefined;
  private current: JanusConnection | undefined;
  private runtimeDir: string | undefined;
  private readonly apiSecret: string;
  private stopping = false;
  private restarts = 0;

  constructor(private readonly options: SupervisorOptions) {
    super();
    this.apiSecret = options.apiSecret ?? randomBytes(24).toString("base64url");
  }

  get connection(): JanusConnection | undefined {
    return this.current;
  }

  /** The Janus process id while it runs. */
  get pid(): number | undefined {
    const child = this.child;
    return child && child.exitCode === null && child.signalCode === null ? child.pid : undefined;
  }

  /** The private folder with Janus' generated configuration. */
  get configDir(): string | undefined {
    return this.runtimeDir;
  }

  async start(): Promise<JanusConnection> {
    this.runtimeDir = await mkdtemp(join(tmpdir(), "treff-janus-"));
    await this.writeConfiguration(this.runtimeDir);
    return this.launch();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.current?.close();
    this.current = undefined;
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 3_000);
      await exited;
      clearTimeout(killer);
    }
    if (this.runtimeDir) await rm(this.runtimeDir, { recursive: true, force: true });
  }

  private async writeConfiguration(dir: string): Promise<void> {
    const config: JanusConfigOptions = { ...this.options, runtimeDir: dir, apiSecret: this.apiSecret };
    // mkdtemp creates the folder with mode 0700: the secret and socket stay private.
    await writeFile(join(dir, JANUS_FILES.config), janusMainConfig(config), { mode: 0o600 });
    await writeFile(join(dir, JANUS_FILES.videoroom), janusVideoRoomConfig(), { mode: 0o600 });
    await writeFile(join(dir, JANUS_FILES.websockets), janusWebSocketConfig(config), { mode: 0o600 });
    for (const sub of [JANUS_FILES.plugins, JANUS_FILES.transports, JANUS_FILES.empty]) await mkdir(join(dir, sub));
    const lib = this.options.libraryDir;
    await symlink(join(lib, "plugins", JANUS_LIBRARIES.plugin), join(dir, JANUS_FILES.plugins, JANUS_LIBRARIES.plugin));
    await symlink(
      join(lib, "transports", JANUS_LIBRARIES.transport),
      join(dir, JANUS_FILES.transports, JANUS_LIBRARIES.transport),
    );
  }

  private async launch(): Promise<JanusConnection> {
    const dir = this.runtimeDir!;
    const { log } = this.options;
    await rm(join(dir, JANUS_FILES.socket), { force: true });
    const child = spawn(this.options.binary, ["--configs-folder", dir, "--config", join(dir, JANUS_FILES.config), "--disable-colors"], {
      stdio: ["ignore", "pipe", "pipe"],
      // A crash dump, if the system writes one, lands in the private folder and goes with it.
      cwd: dir,
    });
    this.child = child;
    const warnings = new TokenBucket(JANUS_WARNINGS_BURST, JANUS_WARNINGS_PER_SECOND);
    for (const stream of [child.stdout, child.stderr]) if (stream) forwardJanusOutput(stream, this.apiSecret, log, warnings);
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.once("error", (error) => log.error({ err: error.message }, "could not start janus"));
    child.once("exit", (code, signal) => this.onExit(child, code, signal));

    const url = `ws+unix://${join(dir, JANUS_FILES.socket)}`;
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!this.stopping) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`janus exited during start (code ${child.exitCode})`);
      if (existsSync(join(dir, JANUS_FILES.socket))) {
        try {
          const connection = await JanusConnection.connect(url, this.apiSecret);
          await connection.info();
          this.current = connection;
          connection.once("close", () => {
            // Janus closed the API socket but kept running: restart it for a clean state.
            if (this.current === connection && !this.stopping) child.kill("SIGKILL");
          });
          this.restarts = 0;
          log.info({ pid: child.pid }, "janus is up");
          this.emit("up", connection);
          return connection;
        } catch {
          // not ready yet
        }
      }
      if (Date.now() > deadline) {
        child.kill("SIGKILL");
        await exited;
        throw new Error(`janus did not answer within ${READY_TIMEOUT_MS} ms`);
      }
      await sleep(50);
    }
    throw new Error("stopped while starting janus");
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.child || this.stopping) return;
    const wasUp = this.current !== undefined;
    this.current?.close();
    this.current = undefined;
    this.options.log.error({ code, signal }, "janus exited; restarting");
    if (wasUp) this.emit("down");
    const delay = Math.min(250 * 2 ** this.restarts++, MAX_RESTART_DELAY_MS);
    setTimeout(() => {
      if (this.stopping) return;
      this.launch().catch((error: Error) => {
        this.options.log.error({ err: error.message }, "janus restart failed");
        if (!this.stopping) this.onExit(this.child!, null, null);
      });
    }, delay).unref();
  }
}

/** Uses a Janus that someone else runs, reconnecting when the connection drops. */
export class ExternalJanus extends EventEmitter<JanusBackendEvents> implements JanusBackend {
  private current: JanusConnection | undefined;
  private stopping = false;

  constructor(
    private readonly url: string,
    private readonly apiSecret: string | undefined,
    private readonly log: Logger,
  ) {
    super();
  }

  get connection(): JanusConnection | undefined {
    return this.current;
  }

  async start(): Promise<JanusConnection> {
    const connection = await JanusConnection.connect(this.url, this.apiSecret, 5_000);
    try {
      await connection.checkAccess();
    } catch (error) {
      connection.close();
      throw error;
    }
    this.adopt(connection);
    return connection;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.current?.close();
    this.current = undefined;
  }

  private adopt(connection: JanusConnection): void {
    this.current = connection;
    this.log.info("connected to external janus");
    this.emit("up", connection);
    connection.once("close", () => {
      if (this.stopping) return;
      this.current = undefined;
      this.log.error("lost the connection to external janus; reconnecting");
      this.emit("down");
      void this.reconnect();
    });
  }

  private async reconnect(): Promise<void> {
    for (let attempt = 0; !this.stopping; attempt++) {
      await sleep(Math.min(250 * 2 ** attempt, MAX_RESTART_DELAY_MS));
      try {
        const connection = await JanusConnection.connect(this.url, this.apiSecret, 5_000);
        await connection.checkAccess().catch((error: Error) => {
          connection.close();
          throw error;
        });
        if (this.stopping) return connection.close();
        return this.adopt(connection);
      } catch {
        // keep trying
      }
    }
  }
}

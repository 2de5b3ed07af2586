/**
 * Assembles a running Treff: media plane (own or external Janus), room
 * registry, HTTP server and signaling. Used by main.ts and by the tests.
 */
import type { Server } from "node:http";
import type { FastifyInstance } from "fastify";
import type { Config } from "./config.js";
import { describeConfig } from "./config.js";
import { createHttpServer } from "./http.js";
import type { Logger } from "./log.js";
import { publicDir } from "./paths.js";
import { MeetingCreator } from "./meetings.js";
import { PasswordAttempts } from "../meeting/attempts.js";
import { ProbeService } from "./probe.js";
import { iceServersFor } from "./turn.js";
import { Signaling } from "./signaling.js";
import { LocalRoomRegistry } from "../cluster/registry.js";
import { ExternalJanus, JanusSupervisor, findJanusLibraryDir, type JanusBackend } from "../media/janus/supervisor.js";
import { JanusMediaPlane } from "../media/janus/videoroom.js";
import type { MediaPlane } from "../media/media-plane.js";

export interface TreffServer {
  /** http://host:port, with the port actually bound. */
  readonly url: string;
  readonly registry: LocalRoomRegistry;
  readonly mediaPlane: MediaPlane;
  readonly signaling: Signaling;
  /** Where the Janus connection comes from (tests inspect and kill Janus through it). */
  readonly janus: JanusBackend;
  close(): Promise<void>;
}

/** WebSocket close code for "the media server restarted, reconnect" (1012: service restart). */
export const MEDIA_RESTART_CLOSE_CODE = 1012;

export function createJanusBackend(config: Config, log: Logger): JanusBackend {
  if (config.janus.url) return new ExternalJanus(config.janus.url, config.janus.apiSecret, log);
  const libraryDir = findJanusLibraryDir(config.janus.libraryDir);
  if (!libraryDir) {
    throw new Error(
      "cannot find the Janus VideoRoom plugin: install Janus (apt-get install janus) or set JANUS_LIB_DIR, or use an external Janus with JANUS_URL",
    );
  }
  return new JanusSupervisor({ ...config.janus, libraryDir, log });
}

/** Start-up notes for settings an operator should look at. */
function warnAboutConfiguration(config: Config, meetings: MeetingCreator, log: Logger): void {
  if (!config.operator.name || !config.operator.contact) {
    log.warn(
      "no operator set: the privacy page cannot say who runs this server; set TREFF_OPERATOR_NAME and TREFF_OPERATOR_CONTACT",
    );
  }
  if (meetings.ephemeralSecret) {
    log.info("no TREFF_SECRET set: moderator links stop working when the server restarts");
  }
}

export async function startTreff(config: Config, log: Logger, options: { publicDir?: string } = {}): Promise<TreffServer> {
  log.info({ config: describeConfig(config) }, "starting treff");
  const backend = createJanusBackend(config, log);
  await backend.start();
  const mediaPlane = new JanusMediaPlane(backend, { publisherBitrate: config.janus.publisherBitrate });
  const meetings = new MeetingCreator(config);
  const registry = new LocalRoomRegistry({
    mediaPlane,
    log,
    meetings,
    lobby: config.meetings.lobby,
    passwordAttempts: new PasswordAttempts(),
    e2ee: config.meetings.e2ee,
  });
  const probes = new ProbeService(mediaPlane);
  warnAboutConfiguration(config, meetings, log);
  mediaPlane.on("down", () => {
    log.warn("media server went away; asking every participant to reconnect");
    void registry.shutdownAll(MEDIA_RESTART_CLOSE_CODE, "media server restarted");
  });

  let http: FastifyInstance;
  let signaling: Signaling;
  try {
    http = await createHttpServer({ config, meetings, publicDir: options.publicDir ?? publicDir(), mediaAvailable: () => mediaPlane.available });
    signaling = new Signaling(http.server as Server, {
      registry,
      log,
      probes,
      iceServers: () => iceServersFor(config),
      trustProxy: config.http.trustProxy,
      mediaOffByDefault: config.meetings.mediaOffByDefault,
      e2ee: config.meetings.e2ee,
    });
    await http.listen({ host: config.host, port: config.port });
  } catch (error) {
    await mediaPlane.close();
    throw error;
  }
  const address = http.server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  log.info({ url }, "treff is listening");

  let closing: Promise<void> | undefined;
  return {
    url,
    registry,
    mediaPlane,
    signaling,
    janus: backend,
    close() {
      closing ??= (async () => {
        // Participants first, with a proper close (1001 "going away"), then whatever is left.
        await registry.shutdownAll(1001, "server shutting down");
        signaling.close();
        await http.close();
        await mediaPlane.close();
      })();
      return closing;
    },
  };
}

/**
 * Assembles a running Treff: media plane (own or external Janus), room
 * registry (in memory, or with REDIS_URL one node of several), HTTP server,
 * signaling and, if configured, /metrics. Used by main.ts and by the tests.
 */
import { randomBytes } from "node:crypto";
import type { Server } from "node:http";
import type { FastifyInstance } from "fastify";
import { CloseCode } from "../protocol/messages.js";
import type { Config } from "./config.js";
import { describeConfig } from "./config.js";
import { createHttpServer } from "./http.js";
import type { Logger } from "../common/log.js";
import { KeyedBuckets } from "../common/per-key.js";
import { publicDir } from "./paths.js";
import { MeetingCreator } from "./meetings.js";
import { PasswordAttempts } from "../meeting/attempts.js";
import { ModeratorKeys, deriveSecret } from "../meeting/moderator-keys.js";
import type { RoomContext } from "../meeting/live-room.js";
import { ProbeService } from "./probe.js";
import { PROBE_TTL_SECONDS, iceServersFor } from "./turn.js";
import { Signaling } from "./signaling.js";
import { createRoomRegistry, type RoomRegistry } from "../cluster/registry.js";
import { ExternalJanus, JanusSupervisor, findJanusLibraryDir, type JanusBackend } from "../media/janus/supervisor.js";
import { JanusMediaPlane } from "../media/janus/videoroom.js";
import type { MediaPlane } from "../media/media-plane.js";
import { TreffMetrics, type MetricsServer } from "./metrics.js";
import { Consultation } from "../consultation/consultation.js";

export interface TreffServer {
  /** http://host:port, with the port actually bound. */
  readonly url: string;
  readonly registry: RoomRegistry;
  readonly mediaPlane: MediaPlane;
  readonly signaling: Signaling;
  /** Where the Janus connection comes from (tests inspect and kill Janus through it). */
  readonly janus: JanusBackend;
  /** Where /metrics is served, if it is (TREFF_METRICS_LISTEN). */
  readonly metricsUrl: string | undefined;
  /** The video consultation (docs/consultation.md). */
  readonly consultation: Consultation;
  /**
   * SIGTERM: takes no new meetings (and /healthz says so to the load balancer); resolves once
   * nobody uses this node, or after `deadlineMs`, when its meetings have moved to other nodes.
   * On a single node there is nowhere to move them: resolves at once.
   */
  drain(deadlineMs: number): Promise<void>;
  close(): Promise<void>;
}

/** Knocks per address group: a school behind one NAT may knock all at once, then one a second. */
const KNOCK_BURST = 60;
const KNOCKS_PER_SECOND = 1;
/** A creator's moderator key is renewed on every entry; a promoted one dies with the meeting, or after a day. */
/** How long the invitation key into a consultation's room works (for joining; staying needs none). */
const CONSULTATION_ROOM_KEY_MS = 60 * 60 * 1000;
const PROMOTED_KEY_LIFETIME_MS = 24 * 3600 * 1000;
/** Wrong meeting passwords per meeting per minute, from all addresses together. */
const ROOM_PASSWORD_ATTEMPTS = 30;

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
function warnAboutConfiguration(config: Config, log: Logger): void {
  if (!config.operator.name || !config.operator.contact) {
    log.warn(
      "no operator set: the privacy page cannot say who runs this server; set TREFF_OPERATOR_NAME and TREFF_OPERATOR_CONTACT",
    );
  }
  if (!config.secret) {
    log.info("no TREFF_SECRET set: moderator links stop working when the server restarts");
  }
  if (config.janus.url?.startsWith("ws://") && !config.janus.apiSecret) {
    log.warn("the external Janus is reached over plain ws:// without an API secret: anyone who reaches that port controls the media server; use ws+unix:// or set JANUS_API_SECRET");
  }
}

export async function startTreff(config: Config, log: Logger, options: { publicDir?: string } = {}): Promise<TreffServer> {
  log.info({ config: describeConfig(config) }, "starting treff");
  const backend = createJanusBackend(config, log);
  await backend.start();
  const mediaPlane = new JanusMediaPlane(backend, {
    publisherBitrate: config.janus.publisherBitrate,
    candidates: { allowLoopback: config.janus.allowLoopbackCandidates },
  });
  const serverSecret = config.secret ? Buffer.from(config.secret) : randomBytes(32);
  const moderatorKeys = new ModeratorKeys(deriveSecret(serverSecret, "moderator-keys"));
  const meetings = new MeetingCreator(config, moderatorKeys);
  const { meetings: m } = config;
  const context: RoomContext = {
    mediaPlane,
    log,
    moderatorKeys,
    policy: {
      lobby: m.lobby,
      e2ee: m.e2eeRequired ? "required" : m.e2ee ? "on" : "off",
      maxWaiting: config.limits.lobby,
      ownerKeyLifetimeMs: m.moderatorKeyDays * 24 * 3600 * 1000,
      promotedKeyLifetimeMs: PROMOTED_KEY_LIFETIME_MS,
      roomPasswordAttempts: ROOM_PASSWORD_ATTEMPTS,
    },
    passwordAttempts: new PasswordAttempts(),
    iceServers: () => iceServersFor(config),
    knocks: new KeyedBuckets(KNOCK_BURST, KNOCKS_PER_SECOND),
  };
  const cluster = config.cluster.redisUrl ? { redisUrl: config.cluster.redisUrl, secret: serverSecret } : undefined;
  const registry = createRoomRegistry({ context, maxRooms: config.limits.rooms, ...(cluster ? { cluster } : {}) });
  const probes = new ProbeService(mediaPlane);
  const consultation = new Consultation({
    dataDir: config.consultation.dataDir,
    publicUrl: config.consultation.publicUrl,
    oidc: config.consultation.oidc,
    sessionKey: deriveSecret(serverSecret, "consultation-sessions"),
    operatorName: config.operator.name,
    iceServers: () => iceServersFor(config),
    // Long enough to join after a slow start; a dropped connection comes back with its resume token.
    roomKey: (room) => moderatorKeys.issueInvited(room, CONSULTATION_ROOM_KEY_MS),
    log,
  });
  warnAboutConfiguration(config, log);
  let draining = false;
  let signaling: Signaling | undefined;
  const metrics = config.metrics.listen
    ? new TreffMetrics({
        rooms: () => registry.stats(),
        connections: () => signaling?.connectionCount ?? 0,
        mediaUp: () => mediaPlane.available,
        draining: () => draining,
      })
    : undefined;
  mediaPlane.on("down", () => {
    log.warn("media server went away; asking every participant to reconnect");
    metrics?.mediaWentDown();
    void registry.shutdownAll(CloseCode.mediaRestart, "media server restarted");
  });

  let http: FastifyInstance;
  let metricsServer: MetricsServer | undefined;
  try {
    await registry.start();
    http = await createHttpServer({
      config,
      meetings,
      consultation,
      publicDir: options.publicDir ?? publicDir(),
      mediaAvailable: () => mediaPlane.available,
      // A draining node tells the load balancer (/healthz) to send new people elsewhere.
      draining: () => draining,
    });
    signaling = new Signaling(http.server as Server, {
      registry,
      log,
      probes,
      consultation: consultation.hub,
      probeIceServers: () => iceServersFor(config, Date.now, PROBE_TTL_SECONDS),
      trustProxy: config.http.trustProxy,
      mediaOffByDefault: config.meetings.mediaOffByDefault,
      e2ee: config.meetings.e2ee,
      limits: { connections: config.limits.connections, connectionsPerAddress: config.limits.connectionsPerAddress },
      ...(metrics ? { onRejected: (code) => metrics.messageRejected(code) } : {}),
    });
    await http.listen({ host: config.host, port: config.port });
    if (metrics && config.metrics.listen) metricsServer = await metrics.serve(config.metrics.listen, log);
  } catch (error) {
    signaling?.close();
    await registry.close();
    await mediaPlane.close();
    throw error;
  }
  const address = http.server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  log.info({ url }, "treff is listening");

  let closing: Promise<void> | undefined;
  const drain = (deadlineMs: number) => {
    draining = true;
    return registry.drain(deadlineMs);
  };
  const edge = signaling;
  return {
    url,
    registry,
    mediaPlane,
    signaling: edge,
    janus: backend,
    metricsUrl: metricsServer?.url,
    consultation,
    drain,
    close() {
      closing ??= (async () => {
        // With several nodes the meetings here move on at once; on one node this does nothing.
        await drain(0);
        // Participants first, with a proper close ("going away"), then whatever is left.
        await registry.shutdownAll(CloseCode.goingAway, "server shutting down");
        edge.close();
        await http.close();
        await metricsServer?.close();
        await registry.close();
        await mediaPlane.close();
      })();
      return closing;
    },
  };
}

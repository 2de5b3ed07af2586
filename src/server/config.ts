/**
 * Treff's one typed configuration. Defaults work with no file at all;
 * a JSON file (TREFF_CONFIG=path) overrides them, environment variables
 * override the file. Validated at start: an error names the field and the fix.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { IceServer } from "../protocol/messages.js";
import { JANUS_MEDIA_DEFAULTS } from "../media/janus/config.js";
import { Flag, StringList, WholeNumber } from "./config-values.js";
import { PRIVACY_ENVIRONMENT, PrivacyConfig } from "./privacy-config.js";

const LogLevel = z.enum(["debug", "info", "warn", "error", "silent"]);

export const Config = z.object({
  /** Address the HTTP server binds to. `localhost` lets browsers use camera and microphone without TLS. */
  host: z.string().min(1).default("localhost"),
  port: WholeNumber.pipe(z.number().min(0).max(65535)).default(8080),
  logLevel: LogLevel.default("info"),
  janus: z
    .object({
      /** An external Janus (`ws://host:port` or `ws+unix:///path`). Unset: Treff runs its own. */
      url: z.string().url().optional(),
      /** The external Janus' API secret. */
      apiSecret: z.string().optional(),
      /** The Janus executable Treff starts. */
      binary: z.string().default("janus"),
      /** Folder with Janus' plugins/ and transports/; found automatically when unset. */
      libraryDir: z.string().optional(),
      /** Interfaces or address prefixes for media (Janus ice_enforce_list), e.g. "eth0". Empty: all. */
      iceInterfaces: z.string().default(""),
      /** Janus' own log level (0–7); 3 and below keep participant addresses out of its output. */
      logLevel: WholeNumber.pipe(z.number().min(0).max(7)).default(3),
      /** UDP port range for media, e.g. "20000-40000". Empty: any. */
      rtpPortRange: z
        .string()
        .regex(/^(\d+-\d+)?$/, "use min-max, e.g. 20000-40000")
        .default(""),
      /** Public IP to announce when Janus is behind 1:1 NAT (cloud VMs). */
      nat1To1: z.string().default(""),
      /**
       * ICE-lite (see media/janus/config.ts). Off by default: measured here, full ICE
       * connects faster, because with ICE-lite Janus drops the browser's first DTLS
       * hello until the browser has nominated a pair (see BENCHMARKS.md).
       */
      iceLite: z.stringbool().or(z.boolean()).default(false),
      /** Bitrate cap per publisher, bit/s. */
      publisherBitrate: WholeNumber.pipe(z.number().min(64_000)).default(2_000_000),
      // How Janus spends its CPU on media (media/janus/config.ts; measured by bench:load, see BENCHMARKS.md).
      /** Threads that share all media (Janus event_loops); default one per core; 0: a thread per handle. */
      eventLoops: WholeNumber.pipe(z.number().min(0).max(256)).default(JANUS_MEDIA_DEFAULTS.eventLoops),
      /** A key frame empties a subscriber's retransmission buffer (Janus nack_optimizations). */
      nackOptimizations: Flag.default(JANUS_MEDIA_DEFAULTS.nackOptimizations),
      /** Shortest time packets are kept for retransmission, ms (Janus min_nack_queue). */
      minNackQueueMs: WholeNumber.pipe(z.number().min(0).max(10_000)).default(JANUS_MEDIA_DEFAULTS.minNackQueueMs),
      /** How often publishers get congestion feedback, ms (Janus twcc_period). */
      twccPeriodMs: WholeNumber.pipe(z.number().min(1).max(10_000)).default(JANUS_MEDIA_DEFAULTS.twccPeriodMs),
      /** Seconds without media before Janus reports it (Janus no_media_timer); 0: never. */
      noMediaTimerSeconds: WholeNumber.pipe(z.number().min(0).max(3600)).default(JANUS_MEDIA_DEFAULTS.noMediaTimerSeconds),
      /**
       * Pass loopback addresses in browsers' ICE candidates on to Janus. Off: a browser cannot make
       * Janus send connectivity checks to the server's own loopback services. The tests, whose
       * media runs on 127.0.0.2, switch it on.
       */
      allowLoopbackCandidates: Flag.default(false),
    })
    .prefault({}),
  /** STUN/TURN servers for browsers. None by default: no third party learns who connects. */
  iceServers: z.array(IceServer).default([]),
  /**
   * Secret that signs moderator keys (docs/security.md), so the server stores no
   * per-meeting key at all. Unset: a random one per start, and moderator links
   * stop working when the server restarts.
   */
  secret: z.string().min(16, "use at least 16 characters").optional(),
  meetings: z
    .object({
      /** Guests wait in a lobby until a moderator admits them. */
      lobby: Flag.default(true),
      /**
       * No camera or microphone opens before the person chooses (privacy by default, a DSK
       * recommendation); a person's own earlier choice on their device still applies. `false`:
       * both start on unless the person chose otherwise before.
       */
      mediaOffByDefault: Flag.default(true),
      /**
       * Browsers that can encrypt media and chat end to end do so (docs/e2ee.md); "required":
       * every meeting admits only such browsers, and no moderator can switch that off.
       */
      e2ee: z.union([z.literal("required"), Flag]).default(true),
      /** How long a meeting creator's moderator link stays valid; each use renews it. */
      moderatorKeyDays: WholeNumber.pipe(z.number().min(1).max(400)).default(30),
      /** Who may create meetings: anyone, or holders of a token signed with creationSecret (HS256 JWT). */
      creation: z.enum(["open", "token"]).default("open"),
      creationSecret: z.string().min(16, "use at least 16 characters").optional(),
      /** When set, creation tokens must carry this `iss`. */
      creationIssuer: z.string().min(1).optional(),
      /** When set, creation tokens must carry this `aud`. */
      creationAudience: z.string().min(1).optional(),
    })
    .prefault({})
    .refine((m) => m.creation === "open" || m.creationSecret, {
      message: "creation 'token' needs creationSecret (env TREFF_CREATION_SECRET)",
      path: ["creationSecret"],
    })
    .transform(({ e2ee, ...rest }) => ({ ...rest, e2ee: e2ee !== false, e2eeRequired: e2ee === "required" })),
  /** Caps that keep one client, one network or a flood from taking the whole server. */
  limits: z
    .object({
      /** Meetings running at once on this server. */
      rooms: WholeNumber.pipe(z.number().min(1)).default(1000),
      /** Signaling connections open at once, server-wide. */
      connections: WholeNumber.pipe(z.number().min(1)).default(10_000),
      /** Signaling connections open at once from one address (an IPv6 /64 counts as one); a school behind one NAT needs many. */
      connectionsPerAddress: WholeNumber.pipe(z.number().min(1)).default(100),
      /** People waiting in one meeting's lobby at once. */
      lobby: WholeNumber.pipe(z.number().min(1)).default(200),
    })
    .prefault({}),
  /** Who runs this server, for the privacy page (/privacy). */
  operator: z
    .object({
      name: z.string().default(""),
      /** Postal address, e-mail or web page where people reach the operator. */
      contact: z.string().default(""),
      /** The data protection officer's contact, if there is one. */
      dataProtectionOfficer: z.string().default(""),
    })
    .prefault({}),
  /** What the operator declares for the privacy page and the compliance kit (privacy-config.ts). */
  privacy: PrivacyConfig.prefault({}),
  http: z
    .object({
      /** Origins allowed to embed Treff in a frame (CSP frame-ancestors). None by default. */
      frameAncestors: StringList.default([]),
      /** Trust X-Forwarded-Proto/-For from a reverse proxy (for HSTS and the per-address password limit). */
      trustProxy: Flag.default(false),
    })
    .prefault({}),
  /** Several Treff nodes as one service (docs/scaling.md). Unset: one node, everything in memory. */
  cluster: z
    .object({
      /** The Redis the nodes share: redis://[:password@]host:port[/db], or rediss:// for TLS. */
      redisUrl: z
        .string()
        .regex(/^rediss?:\/\/\S+$/, "use redis://host:port or rediss://host:port")
        .optional(),
      /** On SIGTERM: how long the meetings on this node may go on before they move to other nodes. */
      drainSeconds: WholeNumber.pipe(z.number().min(0).max(86_400)).default(60),
    })
    .prefault({}),
  /** Prometheus metrics (GET /metrics) on an address of their own. Off unless set. */
  metrics: z
    .object({
      /** host:port to serve /metrics on, e.g. 127.0.0.1:9464; keep it off the public interface. */
      listen: z
        .string()
        .regex(/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, "use host:port, e.g. 127.0.0.1:9464")
        .optional(),
    })
    .prefault({}),
  /** Video consultation for practices (docs/consultation.md). */
  consultation: z
    .object({
      /** Folder for the one file kept on disk: staff accounts and practice settings (consultation.json). */
      dataDir: z.string().min(1).default("data"),
      /** The address people use, e.g. https://video.praxis.example; passkeys are bound to its host. Unset: each request's Host. */
      publicUrl: z.string().url().optional(),
      /** Staff sign-in through the organisation's OpenID Connect provider (docs/consultation.md); off unless set. */
      oidc: z
        .object({
          /** The provider's issuer URL (its discovery document is at /.well-known/openid-configuration). */
          issuer: z.string().url(),
          clientId: z.string().min(1),
          clientSecret: z.string().min(1),
        })
        .optional(),
    })
    .prefault({}),
  /** TURN with ephemeral credentials (TURN REST API scheme, e.g. coturn's use-auth-secret). */
  turn: z
    .object({
      /** The shared secret coturn is configured with (static-auth-secret). */
      secret: z.string().optional(),
      /** TURN URLs handed to browsers, e.g. turn:turn.example.org:3478?transport=udp, turns:turn.example.org:443?transport=tcp. */
      urls: StringList.default([]),
      /** How long a credential is valid, in seconds. */
      ttlSeconds: WholeNumber.pipe(z.number().min(60)).default(6 * 3600),
    })
    .prefault({})
    .refine((t) => t.urls.length === 0 || t.secret, { message: "TURN urls need a secret (env TURN_SECRET)", path: ["secret"] }),
}).refine((c) => !c.cluster.redisUrl || c.secret, {
  message: "several nodes (REDIS_URL) must share one secret: set the same TREFF_SECRET on every node",
  path: ["secret"],
});
export type Config = z.infer<typeof Config>;

/** Environment variables and the config fields they set. */
const ENVIRONMENT: Record<string, string[]> = {
  HOST: ["host"],
  PORT: ["port"],
  LOG_LEVEL: ["logLevel"],
  JANUS_URL: ["janus", "url"],
  JANUS_API_SECRET: ["janus", "apiSecret"],
  JANUS_BINARY: ["janus", "binary"],
  JANUS_LIB_DIR: ["janus", "libraryDir"],
  JANUS_ICE_INTERFACES: ["janus", "iceInterfaces"],
  JANUS_LOG_LEVEL: ["janus", "logLevel"],
  JANUS_RTP_PORT_RANGE: ["janus", "rtpPortRange"],
  JANUS_NAT_1_1: ["janus", "nat1To1"],
  JANUS_ICE_LITE: ["janus", "iceLite"],
  TREFF_SECRET: ["secret"],
  TREFF_LOBBY: ["meetings", "lobby"],
  TREFF_MEDIA_OFF_BY_DEFAULT: ["meetings", "mediaOffByDefault"],
  TREFF_E2EE: ["meetings", "e2ee"],
  TREFF_MODERATOR_KEY_DAYS: ["meetings", "moderatorKeyDays"],
  TREFF_CREATION_ISSUER: ["meetings", "creationIssuer"],
  TREFF_CREATION_AUDIENCE: ["meetings", "creationAudience"],
  TREFF_MAX_ROOMS: ["limits", "rooms"],
  TREFF_MAX_CONNECTIONS: ["limits", "connections"],
  TREFF_MAX_CONNECTIONS_PER_ADDRESS: ["limits", "connectionsPerAddress"],
  TREFF_MAX_LOBBY: ["limits", "lobby"],
  JANUS_ALLOW_LOOPBACK_CANDIDATES: ["janus", "allowLoopbackCandidates"],
  JANUS_EVENT_LOOPS: ["janus", "eventLoops"],
  TREFF_MEETING_CREATION: ["meetings", "creation"],
  TREFF_CREATION_SECRET: ["meetings", "creationSecret"],
  TREFF_OPERATOR_NAME: ["operator", "name"],
  TREFF_OPERATOR_CONTACT: ["operator", "contact"],
  TREFF_OPERATOR_DPO: ["operator", "dataProtectionOfficer"],
  ...Object.fromEntries(Object.entries(PRIVACY_ENVIRONMENT).map(([name, path]) => [name, ["privacy", ...path]])),
  FRAME_ANCESTORS: ["http", "frameAncestors"],
  TRUST_PROXY: ["http", "trustProxy"],
  REDIS_URL: ["cluster", "redisUrl"],
  TREFF_DRAIN_SECONDS: ["cluster", "drainSeconds"],
  TREFF_METRICS_LISTEN: ["metrics", "listen"],
  TREFF_DATA_DIR: ["consultation", "dataDir"],
  TREFF_PUBLIC_URL: ["consultation", "publicUrl"],
  TREFF_OIDC_ISSUER: ["consultation", "oidc", "issuer"],
  TREFF_OIDC_CLIENT_ID: ["consultation", "oidc", "clientId"],
  TREFF_OIDC_CLIENT_SECRET: ["consultation", "oidc", "clientSecret"],
  TURN_SECRET: ["turn", "secret"],
  TURN_URLS: ["turn", "urls"],
  TURN_TTL_SECONDS: ["turn", "ttlSeconds"],
};

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Builds the configuration from an optional file and the environment. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Record<string, unknown> = {}): Config {
  const raw: Record<string, unknown> = {};
  if (env.TREFF_CONFIG) {
    try {
      Object.assign(raw, JSON.parse(readFileSync(env.TREFF_CONFIG, "utf8")));
    } catch (error) {
      throw new ConfigError(`cannot read TREFF_CONFIG=${env.TREFF_CONFIG}: ${(error as Error).message}`);
    }
  }
  for (const [name, path] of Object.entries(ENVIRONMENT)) {
    const value = env[name];
    if (value !== undefined && value !== "") setPath(raw, path, value);
  }
  return parseConfig(deepMerge(raw, overrides));
}

export function parseConfig(raw: unknown): Config {
  const result = Config.safeParse(raw);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const field = issue.path.join(".");
    // The variables that set this field, a part of it (a language), or the list it is in.
    const env = Object.entries(ENVIRONMENT)
      .filter(([, path]) => [field, issue.path.slice(0, -1).join(".")].includes(path.join(".")) || path.join(".").startsWith(`${field}.`))
      .map(([name]) => name);
    return `  ${field}${env.length ? ` (env ${env.join(", ")})` : ""}: ${issue.message}`;
  });
  throw new ConfigError(`invalid configuration:\n${lines.join("\n")}`);
}

/** The configuration as it may be logged: secrets masked. */
export function describeConfig(config: Config): Record<string, unknown> {
  return {
    ...config,
    janus: { ...config.janus, apiSecret: config.janus.apiSecret ? "***" : undefined },
    secret: config.secret ? "***" : undefined,
    meetings: { ...config.meetings, creationSecret: config.meetings.creationSecret ? "***" : undefined },
    turn: { ...config.turn, secret: config.turn.secret ? "***" : undefined },
    consultation: config.consultation.oidc ? { ...config.consultation, oidc: { ...config.consultation.oidc, clientSecret: "***" } } : config.consultation,
    cluster: { ...config.cluster, redisUrl: config.cluster.redisUrl && maskUrlPassword(config.cluster.redisUrl) },
    iceServers: config.iceServers.map((s) => ({ urls: s.urls, credential: s.credential ? "***" : undefined })),
  };
}

/** A URL with its password (if any) masked. */
function maskUrlPassword(url: string): string {
  return url.replace(/^(\w+:\/\/[^:@/]*:)[^@/]*@/, "$1***@");
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== "object" || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const existing = out[key];
    out[key] =
      isPlainObject(value) && isPlainObject(existing) ? deepMerge(existing, value) : value;
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

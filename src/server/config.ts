/**
 * Treff's one typed configuration. Defaults work with no file at all;
 * a JSON file (TREFF_CONFIG=path) overrides them, environment variables
 * override the file. Validated at start: an error names the field and the fix.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { IceServer } from "../protocol/messages.js";

/** A whole number, from JSON or from an environment variable's digits (not " ", "1e3" or "0x1F"). */
const WholeNumber = z.union([z.number(), z.string().trim().regex(/^\d+$/, "expected a whole number").transform(Number)]).pipe(z.number().int());

const LogLevel = z.enum(["debug", "info", "warn", "error", "silent"]);

/** A list from JSON, or from an environment variable as comma-separated values. */
const StringList = z
  .union([z.array(z.string()), z.string().transform((s) => s.split(",").map((x) => x.trim()).filter(Boolean))])
  .pipe(z.array(z.string()));

const Flag = z.stringbool().or(z.boolean());

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
    })
    .prefault({}),
  /** STUN/TURN servers for browsers. None by default: no third party learns who connects. */
  iceServers: z.array(IceServer).default([]),
  /**
   * Secret from which moderator keys are derived (HMAC per room), so the server stores
   * no per-meeting key at all. Unset: a random one per start, and moderator links
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
      /** Browsers that can encrypt media and chat end to end do so (docs/e2ee.md). */
      e2ee: Flag.default(true),
      /** Who may create meetings: anyone, or holders of a token signed with creationSecret (HS256 JWT). */
      creation: z.enum(["open", "token"]).default("open"),
      creationSecret: z.string().min(16, "use at least 16 characters").optional(),
    })
    .prefault({})
    .refine((m) => m.creation === "open" || m.creationSecret, {
      message: "creation 'token' needs creationSecret (env TREFF_CREATION_SECRET)",
      path: ["creationSecret"],
    }),
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
  http: z
    .object({
      /** Origins allowed to embed Treff in a frame (CSP frame-ancestors). None by default. */
      frameAncestors: StringList.default([]),
      /** Trust X-Forwarded-Proto/-For from a reverse proxy (for HSTS and the per-address password limit). */
      trustProxy: Flag.default(false),
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
  TREFF_MEETING_CREATION: ["meetings", "creation"],
  TREFF_CREATION_SECRET: ["meetings", "creationSecret"],
  TREFF_OPERATOR_NAME: ["operator", "name"],
  TREFF_OPERATOR_CONTACT: ["operator", "contact"],
  TREFF_OPERATOR_DPO: ["operator", "dataProtectionOfficer"],
  FRAME_ANCESTORS: ["http", "frameAncestors"],
  TRUST_PROXY: ["http", "trustProxy"],
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
    const env = Object.entries(ENVIRONMENT).find(([, path]) => path.join(".") === field)?.[0];
    return `  ${field}${env ? ` (env ${env})` : ""}: ${issue.message}`;
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
    iceServers: config.iceServers.map((s) => ({ urls: s.urls, credential: s.credential ? "***" : undefined })),
  };
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

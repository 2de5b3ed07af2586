import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, describeConfig, loadConfig, parseConfig } from "../../src/server/config.js";
import { JANUS_MEDIA_DEFAULTS } from "../../src/media/janus/config.js";

const DEFAULTS = {
  host: "localhost",
  port: 8080,
  logLevel: "info",
  janus: {
    binary: "janus",
    iceInterfaces: "",
    logLevel: 3,
    rtpPortRange: "",
    nat1To1: "",
    iceLite: false,
    publisherBitrate: 2_000_000,
    ...JANUS_MEDIA_DEFAULTS,
    allowLoopbackCandidates: false,
  },
  iceServers: [],
  meetings: { lobby: true, mediaOffByDefault: true, e2ee: true, e2eeRequired: false, moderatorKeyDays: 30, creation: "open" },
  limits: { rooms: 1000, connections: 10_000, connectionsPerAddress: 100, lobby: 200 },
  operator: { name: "", contact: "", dataProtectionOfficer: "" },
  privacy: {
    legalBasis: [],
    legitimateInterests: { de: "", en: "" },
    healthData: false,
    hosting: "unknown",
    hostingProvider: "",
    processors: [],
    thirdCountries: "unknown",
    transfers: [],
    proxyLogs: "unknown",
    turnLogs: "unknown",
    notes: { de: "", en: "" },
  },
  http: { frameAncestors: [], trustProxy: false },
  cluster: { drainSeconds: 60 },
  metrics: {},
  consultation: { dataDir: "data" },
  turn: { urls: [], ttlSeconds: 6 * 3600 },
};

/** What describeConfig shows for the defaults: every secret field present, none set. */
const DESCRIBED_DEFAULTS = {
  ...DEFAULTS,
  janus: { ...DEFAULTS.janus, apiSecret: undefined },
  secret: undefined,
  meetings: { ...DEFAULTS.meetings, creationSecret: undefined },
  turn: { ...DEFAULTS.turn, secret: undefined },
  cluster: { ...DEFAULTS.cluster, redisUrl: undefined },
};

const dir = mkdtempSync(join(tmpdir(), "treff-config-test-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a config file and returns its path. */
function configFile(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}

/** The ConfigError loadConfig throws for `env`. */
function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    assert.equal(error.name, "ConfigError");
    return error;
  }
  assert.fail(`expected a ConfigError for ${JSON.stringify(env)}`);
}

describe("loadConfig", () => {
  test("an empty environment gives the defaults", () => {
    assert.deepEqual(loadConfig({}), DEFAULTS);
  });

  test("empty environment variables count as unset", () => {
    assert.deepEqual(loadConfig({ PORT: "", HOST: "", JANUS_URL: "", TREFF_CONFIG: "" }), DEFAULTS);
  });

  test("environment variables override the defaults", () => {
    const config = loadConfig({
      HOST: "0.0.0.0",
      PORT: "9000",
      LOG_LEVEL: "warn",
      JANUS_URL: "ws://127.0.0.1:8188",
      JANUS_API_SECRET: "s3cret",
      JANUS_BINARY: "/opt/janus/bin/janus",
      JANUS_LIB_DIR: "/opt/janus/lib/janus",
      JANUS_ICE_INTERFACES: "eth0",
      JANUS_LOG_LEVEL: "5",
      JANUS_RTP_PORT_RANGE: "20000-40000",
      JANUS_NAT_1_1: "203.0.113.7",
      JANUS_ICE_LITE: "true",
      TREFF_SECRET: "server-secret-0123456789",
      TREFF_LOBBY: "false",
      TREFF_MEDIA_OFF_BY_DEFAULT: "false",
      TREFF_MEETING_CREATION: "token",
      TREFF_CREATION_SECRET: "creation-secret-0123456789",
      TREFF_OPERATOR_NAME: "Verein e.V.",
      TREFF_OPERATOR_CONTACT: "privacy@example.org",
      TREFF_OPERATOR_DPO: "dpo@example.org",
      FRAME_ANCESTORS: "https://a.example, https://b.example,",
      TRUST_PROXY: "true",
      TREFF_E2EE: "off",
      TURN_SECRET: "turn-secret",
      TURN_URLS: "turn:turn.example.org:3478?transport=udp,turns:turn.example.org:443?transport=tcp",
      TURN_TTL_SECONDS: "3600",
      TREFF_DATA_DIR: "/var/lib/treff",
      TREFF_PUBLIC_URL: "https://video.praxis.example",
      TREFF_MODERATOR_KEY_DAYS: "7",
      TREFF_CREATION_ISSUER: "portal.example.org",
      TREFF_CREATION_AUDIENCE: "treff",
      TREFF_MAX_ROOMS: "50",
      TREFF_MAX_CONNECTIONS: "500",
      TREFF_MAX_CONNECTIONS_PER_ADDRESS: "20",
      TREFF_MAX_LOBBY: "30",
      JANUS_ALLOW_LOOPBACK_CANDIDATES: "true",
      REDIS_URL: "redis://:redis-password@10.0.0.5:6379/2",
      TREFF_DRAIN_SECONDS: "300",
      TREFF_METRICS_LISTEN: "127.0.0.1:9464",
    });
    assert.deepEqual(config, {
      host: "0.0.0.0",
      port: 9000,
      logLevel: "warn",
      janus: {
        url: "ws://127.0.0.1:8188",
        apiSecret: "s3cret",
        binary: "/opt/janus/bin/janus",
        libraryDir: "/opt/janus/lib/janus",
        iceInterfaces: "eth0",
        logLevel: 5,
        rtpPortRange: "20000-40000",
        nat1To1: "203.0.113.7",
        iceLite: true,
        publisherBitrate: 2_000_000,
        ...JANUS_MEDIA_DEFAULTS,
        allowLoopbackCandidates: true,
      },
      iceServers: [],
      secret: "server-secret-0123456789",
      meetings: {
        lobby: false,
        mediaOffByDefault: false,
        e2ee: false,
        e2eeRequired: false,
        moderatorKeyDays: 7,
        creation: "token",
        creationSecret: "creation-secret-0123456789",
        creationIssuer: "portal.example.org",
        creationAudience: "treff",
      },
      limits: { rooms: 50, connections: 500, connectionsPerAddress: 20, lobby: 30 },
      operator: { name: "Verein e.V.", contact: "privacy@example.org", dataProtectionOfficer: "dpo@example.org" },
      privacy: DEFAULTS.privacy,
      http: { frameAncestors: ["https://a.example", "https://b.example"], trustProxy: true },
      cluster: { redisUrl: "redis://:redis-password@10.0.0.5:6379/2", drainSeconds: 300 },
      metrics: { listen: "127.0.0.1:9464" },
      consultation: { dataDir: "/var/lib/treff", publicUrl: "https://video.praxis.example" },
      turn: {
        secret: "turn-secret",
        urls: ["turn:turn.example.org:3478?transport=udp", "turns:turn.example.org:443?transport=tcp"],
        ttlSeconds: 3600,
      },
    });
  });

  for (const [value, expected] of [["false", false], ["0", false], ["true", true], ["on", true]] as const) {
    test(`TREFF_LOBBY, TREFF_MEDIA_OFF_BY_DEFAULT, TREFF_E2EE and TRUST_PROXY=${value} are ${expected}`, () => {
      const config = loadConfig({ TREFF_LOBBY: value, TREFF_MEDIA_OFF_BY_DEFAULT: value, TREFF_E2EE: value, TRUST_PROXY: value });
      assert.equal(config.meetings.lobby, expected);
      assert.equal(config.meetings.e2ee, expected);
      assert.equal(config.meetings.mediaOffByDefault, expected);
      assert.equal(config.http.trustProxy, expected);
    });
  }

  test("TREFF_E2EE=required: encryption on and required in every meeting; anything else unknown is an error", () => {
    assert.deepEqual(
      (({ e2ee, e2eeRequired }) => ({ e2ee, e2eeRequired }))(loadConfig({ TREFF_E2EE: "required" }).meetings),
      { e2ee: true, e2eeRequired: true },
    );
    assert.ok(configError({ TREFF_E2EE: "mandatory" }).message.includes("meetings.e2ee (env TREFF_E2EE)"));
  });

  test("creation 'token' needs a creation secret: the error names the field, its variable and the fix", () => {
    const error = configError({ TREFF_MEETING_CREATION: "token" });
    assert.ok(
      error.message.includes(
        "  meetings.creationSecret (env TREFF_CREATION_SECRET): creation 'token' needs creationSecret (env TREFF_CREATION_SECRET)",
      ),
      error.message,
    );
    assert.throws(() => parseConfig({ meetings: { creation: "token" } }), ConfigError);
  });

  test("creation 'open' needs no creation secret, and a creation secret alone is fine", () => {
    assert.deepEqual(loadConfig({ TREFF_MEETING_CREATION: "open" }).meetings, DEFAULTS.meetings);
    assert.equal(parseConfig({ meetings: { creationSecret: "c".repeat(16) } }).meetings.creationSecret, "c".repeat(16));
  });

  test("TURN urls need a TURN secret: the error names the field, its variable and the fix", () => {
    const error = configError({ TURN_URLS: "turn:turn.example.org:3478" });
    assert.ok(error.message.includes("  turn.secret (env TURN_SECRET): TURN urls need a secret (env TURN_SECRET)"), error.message);
    assert.throws(() => parseConfig({ turn: { urls: ["turn:t.example.org"] } }), ConfigError);
  });

  test("a TURN secret without urls is fine (TURN simply is not offered)", () => {
    assert.deepEqual(loadConfig({ TURN_SECRET: "s" }).turn, { secret: "s", urls: [], ttlSeconds: 6 * 3600 });
  });

  test("lists from JSON are kept as they are", () => {
    const config = parseConfig({ http: { frameAncestors: ["https://a.example"] }, turn: { secret: "s", urls: ["turn:t"] } });
    assert.deepEqual(config.http.frameAncestors, ["https://a.example"]);
    assert.deepEqual(config.turn.urls, ["turn:t"]);
  });

  for (const [value, expected] of [["false", false], ["0", false], ["off", false], ["true", true], ["yes", true]] as const) {
    test(`JANUS_ICE_LITE=${value} is ${expected}`, () => {
      assert.equal(loadConfig({ JANUS_ICE_LITE: value }).janus.iceLite, expected);
    });
  }

  test("a Unix-socket Janus URL is accepted", () => {
    assert.equal(loadConfig({ JANUS_URL: "ws+unix:///run/janus/janus.sock" }).janus.url, "ws+unix:///run/janus/janus.sock");
  });

  test("overrides (command-line flags) win over the environment", () => {
    const config = loadConfig({ PORT: "9000", JANUS_BINARY: "/env/janus" }, { port: 9100, janus: { logLevel: 1 } });
    assert.equal(config.port, 9100);
    assert.equal(config.janus.binary, "/env/janus");
    assert.equal(config.janus.logLevel, 1);
  });

  const invalid: [env: NodeJS.ProcessEnv, field: string, variable: string][] = [
    [{ PORT: "eighty" }, "port", "PORT"],
    [{ PORT: "70000" }, "port", "PORT"],
    [{ PORT: "-1" }, "port", "PORT"],
    [{ PORT: "80.5" }, "port", "PORT"],
    [{ LOG_LEVEL: "verbose" }, "logLevel", "LOG_LEVEL"],
    [{ JANUS_URL: "not a url" }, "janus.url", "JANUS_URL"],
    [{ JANUS_LOG_LEVEL: "8" }, "janus.logLevel", "JANUS_LOG_LEVEL"],
    [{ JANUS_RTP_PORT_RANGE: "20000" }, "janus.rtpPortRange", "JANUS_RTP_PORT_RANGE"],
    [{ JANUS_ICE_LITE: "maybe" }, "janus.iceLite", "JANUS_ICE_LITE"],
    [{ TREFF_SECRET: "too-short" }, "secret", "TREFF_SECRET"],
    [{ TREFF_LOBBY: "maybe" }, "meetings.lobby", "TREFF_LOBBY"],
    [{ TREFF_MEDIA_OFF_BY_DEFAULT: "perhaps" }, "meetings.mediaOffByDefault", "TREFF_MEDIA_OFF_BY_DEFAULT"],
    [{ TREFF_MEETING_CREATION: "closed" }, "meetings.creation", "TREFF_MEETING_CREATION"],
    [{ TREFF_CREATION_SECRET: "short" }, "meetings.creationSecret", "TREFF_CREATION_SECRET"],
    [{ TRUST_PROXY: "perhaps" }, "http.trustProxy", "TRUST_PROXY"],
    [{ TURN_TTL_SECONDS: "59" }, "turn.ttlSeconds", "TURN_TTL_SECONDS"],
    [{ TURN_TTL_SECONDS: "an hour" }, "turn.ttlSeconds", "TURN_TTL_SECONDS"],
  ];
  for (const [env, field, variable] of invalid) {
    test(`${JSON.stringify(env)} is a ConfigError naming ${field} and ${variable}`, () => {
      const error = configError(env);
      assert.match(error.message, /^invalid configuration:\n/);
      assert.ok(error.message.includes(`  ${field} (env ${variable}): `), error.message);
    });
  }

  test("the secret errors say how long a secret must be", () => {
    assert.ok(configError({ TREFF_SECRET: "short" }).message.includes("use at least 16 characters"));
    assert.ok(configError({ TREFF_CREATION_SECRET: "short" }).message.includes("use at least 16 characters"));
  });

  test("the rtp port range error says how to fix it", () => {
    assert.ok(configError({ JANUS_RTP_PORT_RANGE: "any" }).message.includes("use min-max, e.g. 20000-40000"));
  });

  test("every invalid field is listed, one per line", () => {
    const lines = configError({ PORT: "x", LOG_LEVEL: "loud" }).message.split("\n");
    assert.equal(lines.length, 3);
    assert.ok(lines.some((l) => l.startsWith("  port (env PORT): ")));
    assert.ok(lines.some((l) => l.startsWith("  logLevel (env LOG_LEVEL): ")));
  });

  test(
    "a PORT of only whitespace is an error, not port 0",
    () => {
      const error = configError({ PORT: " " });
      assert.ok(error.message.includes("port (env PORT)"));
    },
  );
});

describe("loadConfig with TREFF_CONFIG", () => {
  test("the file overrides the defaults, including fields without an environment variable", () => {
    const path = configFile("file.json", {
      host: "::",
      janus: { publisherBitrate: 500_000, iceInterfaces: "lo", iceLite: true },
      iceServers: [{ urls: ["turn:turn.example.org:3478"], username: "u", credential: "c" }],
    });
    assert.deepEqual(loadConfig({ TREFF_CONFIG: path }), {
      ...DEFAULTS,
      host: "::",
      janus: { ...DEFAULTS.janus, publisherBitrate: 500_000, iceInterfaces: "lo", iceLite: true },
      iceServers: [{ urls: ["turn:turn.example.org:3478"], username: "u", credential: "c" }],
    });
  });

  test("the environment wins over the file, field by field", () => {
    const path = configFile("both.json", { port: 7000, host: "file-host", janus: { binary: "/file/janus", logLevel: 2 } });
    const config = loadConfig({ TREFF_CONFIG: path, PORT: "7100", JANUS_LOG_LEVEL: "4" });
    assert.equal(config.port, 7100);
    assert.equal(config.host, "file-host");
    assert.equal(config.janus.binary, "/file/janus");
    assert.equal(config.janus.logLevel, 4);
  });

  test("an invalid value in the file names the field", () => {
    const path = configFile("invalid.json", { janus: { publisherBitrate: 10 } });
    assert.ok(configError({ TREFF_CONFIG: path }).message.includes("  janus.publisherBitrate: "));
  });

  test("a missing file is a ConfigError naming the path", () => {
    const path = join(dir, "does-not-exist.json");
    const error = configError({ TREFF_CONFIG: path });
    assert.ok(error.message.startsWith(`cannot read TREFF_CONFIG=${path}: `), error.message);
    assert.ok(error.message.includes("ENOENT"), error.message);
  });

  test("a directory is a ConfigError", () => {
    assert.ok(configError({ TREFF_CONFIG: dir }).message.startsWith(`cannot read TREFF_CONFIG=${dir}: `));
  });

  test("REDIS_URL needs TREFF_SECRET (the nodes share it); the URL and the metrics address are checked", () => {
    assert.ok(configError({ REDIS_URL: "redis://127.0.0.1:6379" }).message.includes("secret (env TREFF_SECRET): several nodes (REDIS_URL) must share one secret"));
    assert.ok(configError({ REDIS_URL: "http://127.0.0.1:6379", TREFF_SECRET: "server-secret-0123456789" }).message.includes("cluster.redisUrl (env REDIS_URL)"));
    assert.ok(configError({ TREFF_METRICS_LISTEN: "9464" }).message.includes("metrics.listen (env TREFF_METRICS_LISTEN): use host:port"));
    assert.equal(loadConfig({ TREFF_METRICS_LISTEN: "[::1]:9464" }).metrics.listen, "[::1]:9464");
  });

  test("a file that is not JSON is a ConfigError", () => {
    const path = configFile("broken.json", "{ port: 80 ");
    assert.ok(configError({ TREFF_CONFIG: path }).message.startsWith(`cannot read TREFF_CONFIG=${path}: `));
  });
});

describe("parseConfig", () => {
  test("fills in defaults for a partial janus section", () => {
    assert.deepEqual(parseConfig({ janus: { binary: "/x/janus" } }).janus, { ...DEFAULTS.janus, binary: "/x/janus" });
  });

  test("throws a ConfigError naming the nested field", () => {
    assert.throws(() => parseConfig({ iceServers: [{ urls: "stun:x" }] }), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.ok(error.message.includes("  iceServers.0.urls: "), error.message);
      return true;
    });
  });
});

describe("describeConfig", () => {
  test("masks the Janus API secret and ICE credentials and keeps everything else", () => {
    const config = parseConfig({
      janus: { apiSecret: "janus-secret-value" },
      iceServers: [{ urls: ["turn:t.example.org"], username: "turn-user", credential: "turn-password" }],
    });
    const described = describeConfig(config);
    assert.deepEqual(described, {
      ...DESCRIBED_DEFAULTS,
      janus: { ...DEFAULTS.janus, apiSecret: "***" },
      iceServers: [{ urls: ["turn:t.example.org"], credential: "***" }],
    });
    const text = JSON.stringify(described);
    for (const secret of ["janus-secret-value", "turn-password", "turn-user"]) assert.ok(!text.includes(secret), secret);
  });

  test("masks the server secret, the creation secret and the TURN secret, and keeps the rest of their sections", () => {
    const config = parseConfig({
      secret: "server-secret-value",
      meetings: { creation: "token", creationSecret: "creation-secret-value" },
      turn: { secret: "turn-secret-value", urls: ["turn:t.example.org"], ttlSeconds: 600 },
    });
    const described = describeConfig(config);
    assert.deepEqual(described, {
      ...DESCRIBED_DEFAULTS,
      secret: "***",
      meetings: { ...DEFAULTS.meetings, creation: "token", creationSecret: "***" },
      turn: { secret: "***", urls: ["turn:t.example.org"], ttlSeconds: 600 },
    });
    const text = JSON.stringify(described);
    for (const secret of ["server-secret-value", "creation-secret-value", "turn-secret-value"]) assert.ok(!text.includes(secret), secret);
  });

  test("shows no mask where there is no secret", () => {
    const described = describeConfig(parseConfig({ iceServers: [{ urls: ["stun:s.example.org"] }] }));
    assert.equal((described.janus as { apiSecret?: string }).apiSecret, undefined);
    assert.deepEqual(described.iceServers, [{ urls: ["stun:s.example.org"], credential: undefined }]);
    assert.equal(described.secret, undefined);
    assert.equal((described.meetings as { creationSecret?: string }).creationSecret, undefined);
    assert.equal((described.turn as { secret?: string }).secret, undefined);
    assert.deepEqual(describeConfig(parseConfig({})), DESCRIBED_DEFAULTS);
  });

  test("masks the consultation's OpenID Connect client secret", () => {
    const described = describeConfig(parseConfig({ consultation: { oidc: { issuer: "https://id.example.org", clientId: "treff", clientSecret: "oidc-client-secret" } } }));
    assert.deepEqual(described.consultation, { dataDir: "data", oidc: { issuer: "https://id.example.org", clientId: "treff", clientSecret: "***" } });
  });

  test("masks the password in REDIS_URL", () => {
    const described = describeConfig(parseConfig({ secret: "server-secret-value", cluster: { redisUrl: "rediss://treff:redis-password@redis.internal:6380/1" } }));
    assert.equal((described.cluster as { redisUrl?: string }).redisUrl, "rediss://treff:***@redis.internal:6380/1");
    assert.ok(!JSON.stringify(described).includes("redis-password"));
  });

  test("does not change the configuration it describes", () => {
    const config = parseConfig({
      janus: { apiSecret: "keep" },
      secret: "keep-this-server-secret",
      meetings: { creation: "token", creationSecret: "keep-this-creation-secret" },
      turn: { secret: "keep-turn" },
    });
    describeConfig(config);
    assert.equal(config.janus.apiSecret, "keep");
    assert.equal(config.secret, "keep-this-server-secret");
    assert.equal(config.meetings.creationSecret, "keep-this-creation-secret");
    assert.equal(config.turn.secret, "keep-turn");
  });
});

import { describe, test } from "node:test";
import { availableParallelism } from "node:os";
import assert from "node:assert/strict";
import {
  JANUS_FILES,
  JANUS_MEDIA_DEFAULTS,
  janusMainConfig,
  janusMediaLines,
  janusVideoRoomConfig,
  janusWebSocketConfig,
  type JanusConfigOptions,
} from "../../src/media/janus/config.js";
import { parseConfig } from "../../src/server/config.js";

const options: JanusConfigOptions = {
  runtimeDir: "/run/treff/janus-x1",
  apiSecret: "Zm9vYmFyYmF6",
  iceInterfaces: "",
  logLevel: 3,
  rtpPortRange: "",
  nat1To1: "",
  iceLite: false,
};

/** The trimmed, non-empty lines of a generated file. */
const lines = (text: string) => text.split("\n").map((l) => l.trim()).filter(Boolean);

describe("janusMainConfig", () => {
  const config = janusMainConfig(options);
  const has = (line: string) => assert.ok(lines(config).includes(line), `missing line: ${line}\n${config}`);

  test("requires the API secret", () => {
    has('api_secret = "Zm9vYmFyYmF6"');
  });

  test("points every folder into the runtime folder", () => {
    has('configs_folder = "/run/treff/janus-x1"');
    has('plugins_folder = "/run/treff/janus-x1/plugins"');
    has('transports_folder = "/run/treff/janus-x1/transports"');
    has('events_folder = "/run/treff/janus-x1/empty"');
    has('loggers_folder = "/run/treff/janus-x1/empty"');
    assert.equal(JANUS_FILES.plugins, "plugins");
    assert.equal(JANUS_FILES.transports, "transports");
  });

  test("asks no STUN server for its address", () => {
    assert.doesNotMatch(config, /stun/i);
  });

  test("sets the log level and stops on a library that fails to load", () => {
    has("debug_level = 3");
    has("exit_on_dl_error = true");
    has("ignore_mdns = true");
  });

  test("leaves ice_enforce_list, nat_1_1_mapping, rtp_port_range and ice_lite out when not given", () => {
    assert.doesNotMatch(config, /ice_enforce_list|nat_1_1_mapping|rtp_port_range|ice_lite/);
  });

  test("sets ice_enforce_list, nat_1_1_mapping, rtp_port_range and ice_lite when given", () => {
    const given = lines(
      janusMainConfig({
        ...options,
        iceInterfaces: "eth0,192.0.2.",
        nat1To1: "203.0.113.7",
        rtpPortRange: "20000-40000",
        logLevel: 5,
        iceLite: true,
      }),
    );
    assert.ok(given.includes("ice_lite = true"));
    assert.ok(given.includes('ice_enforce_list = "eth0,192.0.2."'));
    assert.ok(given.includes('nat_1_1_mapping = "203.0.113.7"'));
    assert.ok(given.includes('rtp_port_range = "20000-40000"'));
    assert.ok(given.includes("debug_level = 5"));
  });

  test("quotes values so a quote in a path cannot end the string", () => {
    const quoted = janusMainConfig({ ...options, apiSecret: 'a"b\\c' });
    assert.ok(lines(quoted).includes('api_secret = "a\\"b\\\\c"'));
  });

  test("has balanced braces", () => {
    assert.equal(config.split("{").length, config.split("}").length);
  });
});

describe("janus media settings", () => {
  const sectionOf = (config: string, name: string) => lines(config.slice(config.indexOf(`${name}: {`), config.indexOf("}", config.indexOf(`${name}: {`))));

  test("shares media among one event loop per core by default (bench:load: twice the packets per core of a thread per handle)", () => {
    assert.equal(JANUS_MEDIA_DEFAULTS.eventLoops, availableParallelism());
    assert.ok(lines(janusMainConfig(options)).includes(`event_loops = ${availableParallelism()}`));
    assert.ok(!lines(janusMainConfig({ ...options, eventLoops: 0 })).some((l) => l.startsWith("event_loops")), "0 leaves Janus' thread per handle");
  });

  test("writes Treff's defaults into the media section, and no event_loops line for 0", () => {
    const config = janusMainConfig(options);
    const media = sectionOf(config, "media");
    assert.ok(media.includes(`min_nack_queue = ${JANUS_MEDIA_DEFAULTS.minNackQueueMs}`), media.join("\n"));
    assert.ok(media.includes(`twcc_period = ${JANUS_MEDIA_DEFAULTS.twccPeriodMs}`));
    assert.ok(media.includes(`no_media_timer = ${JANUS_MEDIA_DEFAULTS.noMediaTimerSeconds}`));
    assert.ok(media.includes(`nack_optimizations = ${JANUS_MEDIA_DEFAULTS.nackOptimizations}`));
    const general = sectionOf(config, "general");
    if (JANUS_MEDIA_DEFAULTS.eventLoops > 0) assert.ok(general.includes(`event_loops = ${JANUS_MEDIA_DEFAULTS.eventLoops}`));
    else assert.ok(!general.some((l) => l.startsWith("event_loops")));
  });

  test("writes what is given, each setting in its section", () => {
    const config = janusMainConfig({ ...options, eventLoops: 2, nackOptimizations: true, minNackQueueMs: 300, twccPeriodMs: 500, noMediaTimerSeconds: 0, rtpPortRange: "20000-40000" });
    assert.ok(sectionOf(config, "general").includes("event_loops = 2"));
    const media = sectionOf(config, "media");
    for (const line of ["nack_optimizations = true", "min_nack_queue = 300", "twcc_period = 500", "no_media_timer = 0", 'rtp_port_range = "20000-40000"']) {
      assert.ok(media.includes(line), `missing ${line} in\n${media.join("\n")}`);
    }
  });

  test("come from Treff's configuration (file or JSON strings) into the generated file", () => {
    const { janus } = parseConfig({ janus: { eventLoops: "2", nackOptimizations: "true", noMediaTimerSeconds: 0 } });
    const config = janusMainConfig({ ...options, ...janus });
    assert.ok(sectionOf(config, "general").includes("event_loops = 2"));
    assert.ok(sectionOf(config, "media").includes("nack_optimizations = true"));
    assert.ok(sectionOf(config, "media").includes("no_media_timer = 0"));
    assert.throws(() => parseConfig({ janus: { twccPeriodMs: 0 } }), /twccPeriodMs/);
  });

  test("writes whole, non-negative numbers only", () => {
    assert.deepEqual(janusMediaLines({ eventLoops: 2.7, minNackQueueMs: -5, twccPeriodMs: 100.4 }), {
      general: ["event_loops = 2"],
      media: ["min_nack_queue = 0", "twcc_period = 100", `no_media_timer = ${JANUS_MEDIA_DEFAULTS.noMediaTimerSeconds}`, `nack_optimizations = ${JANUS_MEDIA_DEFAULTS.nackOptimizations}`],
    });
  });
});

describe("janusWebSocketConfig", () => {
  const config = lines(janusWebSocketConfig(options));

  test("listens on a Unix socket in the runtime folder, plain WebSocket only", () => {
    assert.ok(config.includes('ws_unix = "/run/treff/janus-x1/janus.sock"'));
    assert.ok(config.includes("ws = true"));
    assert.ok(config.includes("wss = false"));
    assert.equal(JANUS_FILES.socket, "janus.sock");
  });

  test("has no TCP port and no admin API", () => {
    assert.ok(!config.some((l) => l.startsWith("ws_port")));
    assert.ok(config.includes("admin_ws = false"));
    assert.ok(config.includes("admin_wss = false"));
  });
});

describe("janusVideoRoomConfig", () => {
  test("declares no static rooms and uses numeric room ids", () => {
    assert.deepEqual(lines(janusVideoRoomConfig()).slice(1), ["general: {", "string_ids = false", "}"]);
  });
});

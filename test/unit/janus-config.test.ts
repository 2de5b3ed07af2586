import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  JANUS_FILES,
  janusMainConfig,
  janusVideoRoomConfig,
  janusWebSocketConfig,
  type JanusConfigOptions,
} from "../../src/media/janus/config.js";

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

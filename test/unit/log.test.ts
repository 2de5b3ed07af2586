import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { PassThrough, Writable } from "node:stream";
import { createLogger, redactAddresses } from "../../src/common/log.js";
import { forwardJanusOutput, maskApiSecret } from "../../src/media/janus/supervisor.js";
import { TokenBucket } from "../../src/common/token-bucket.js";

describe("redactAddresses", () => {
  const redacted: [what: string, line: string, expected: string][] = [
    ["IPv4", "candidate from 192.168.1.20", "candidate from [addr]"],
    ["IPv4 with port", "connected to 203.0.113.7:40012", "connected to [addr]:40012"],
    ["several IPv4", "10.0.0.1 -> 172.16.254.3", "[addr] -> [addr]"],
    ["IPv6 in full", "2001:0db8:85a3:0000:0000:8a2e:0370:7334 srflx", "[addr] srflx"],
    ["IPv6 in full, short groups", "peer 2001:db8:0:0:1:0:0:1 up", "peer [addr] up"],
    ["IPv6 with ::", "host 2001:db8::1 typ host", "host [addr] typ host"],
    ["IPv6 ending in ::", "prefix 2001:db8:: only", "prefix [addr] only"],
    ["IPv6 loopback", "bound to ::1", "bound to [addr]"],
    ["IPv6 unspecified", "listening on :: now", "listening on [addr] now"],
    ["IPv6 in upper case", "FE80::ABCD:12", "[addr]"],
    ["IPv6 link-local with interface", "fe80::1ff:fe23:4567:890a%eth0 host", "[addr]%eth0 host"],
    ["IPv6 in brackets with port", "[2001:db8::2]:3478", "[[addr]]:3478"],
    ["IPv4-mapped IPv6", "::ffff:10.0.0.1", "[addr]:[addr]"],
  ];
  for (const [what, line, expected] of redacted) {
    test(`redacts ${what}`, () => {
      assert.equal(redactAddresses(line), expected);
    });
  }

  const untouched: [what: string, line: string][] = [
    ["a time", "[08:09:02] Janus started"],
    ["a time with milliseconds", "2024-05-01 08:09:02.123 ready"],
    ["a short time", "at 12:30 sharp"],
    ["a version", "Janus commit: 1.1.2, libnice 0.1.21"],
    ["a dotted version with three parts", "version 10.20.30"],
    ["a plain line", "VideoRoom plugin initialized!"],
    ["a MAC-like six-group string", "aa:bb:cc:dd:ee:ff"],
  ];
  for (const [what, line] of untouched) {
    test(`leaves ${what} alone`, () => {
      assert.equal(redactAddresses(line), line);
    });
  }

  test("a line with a time and an address loses only the address", () => {
    assert.equal(redactAddresses("[08:09:02] ICE from 198.51.100.4 and fe80::1%wlan0"), "[08:09:02] ICE from [addr] and [addr]%wlan0");
  });
});

describe("createLogger", () => {
  function capture() {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(...String(chunk).split("\n").filter(Boolean));
        done();
      },
    });
    return { lines, stream };
  }

  test("writes one JSON object per line with a level label, ISO time, and no pid or hostname", () => {
    const { lines, stream } = capture();
    createLogger("info", stream).info({ rooms: 2 }, "started");
    assert.equal(lines.length, 1);
    const entry = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.deepEqual(Object.keys(entry).sort(), ["level", "msg", "rooms", "time"]);
    assert.equal(entry.level, "info");
    assert.equal(entry.msg, "started");
    assert.equal(entry.rooms, 2);
    assert.match(String(entry.time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  test("drops messages below the level; silent drops everything", () => {
    const info = capture();
    const logger = createLogger("warn", info.stream);
    logger.debug("d");
    logger.info("i");
    logger.warn("w");
    logger.error("e");
    assert.deepEqual(info.lines.map((l) => (JSON.parse(l) as { msg: string }).msg), ["w", "e"]);

    const silent = capture();
    createLogger("silent", silent.stream).error("e");
    assert.deepEqual(silent.lines, []);
  });
});

describe("forwardJanusOutput", () => {
  test("masks a secret and an address that arrive split across two chunks", async () => {
    const output = new PassThrough();
    const lines: string[] = [];
    const log = { debug: (o: { janus: string }) => lines.push(o.janus), warn: (o: { janus: string }) => lines.push(o.janus) };
    forwardJanusOutput(output, "s3cretS3cret", log);
    output.write('{"apisecret":"s3cret');
    output.write('S3cret","candidate":"192.168.');
    output.write('1.20 5000"}\n[ERR] second line\n');
    output.end();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(lines, ['{"apisecret":"***","candidate":"[addr] 5000"}', "[ERR] second line"]);
  });

  test("Janus' errors are warnings up to a budget, then debug lines (a client can make Janus print errors)", async () => {
    const output = new PassThrough();
    const levels: string[] = [];
    const log = { debug: () => levels.push("debug"), warn: () => levels.push("warn") };
    let now = 0;
    forwardJanusOutput(output, "s3cretS3cret", log, new TokenBucket(3, 1, () => now));
    for (let i = 0; i < 5; i++) output.write(`[ERR] [sdp.c:janus_sdp_preparse:42] Error parsing SDP? ${i}\n`);
    output.write("an ordinary line\n");
    await new Promise((resolve) => setImmediate(resolve));
    now = 1_000;
    output.write("[ERR] a second later\n");
    output.end();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(levels, ["warn", "warn", "warn", "debug", "debug", "debug", "warn"]);
  });
});

describe("maskApiSecret", () => {
  const secret = "UoZxglUIIU4sghOMabcdefgh";
  const masked: [what: string, line: string, expected: string][] = [
    ["the secret anywhere", `token ${secret} used`, "token *** used"],
    ["an apisecret field", `{"apisecret":"${secret}","janus":"attach"}`, '{"apisecret":"***","janus":"attach"}'],
    ["an apisecret field inside printed JSON", `{"janus":"{\\"apisecret\\":\\"${secret}\\"}"}`, '{"janus":"{\\"apisecret\\":\\"***\\"}"}'],
    ["a field cut short by Janus", `{"janus":"attach","apisecret":"${secret.slice(0, 16)}`, '{"janus":"attach","apisecret":"***'],
    ["a field with another secret (an external Janus')", '{"apisecret": "other"}', '{"apisecret": "***"}'],
    ["a line ending in the secret's first characters", `request ${secret.slice(0, 9)}`, "request ***"],
  ];
  for (const [what, line, expected] of masked) {
    test(`masks ${what}`, () => {
      assert.equal(maskApiSecret(line, secret), expected);
    });
  }
  test("leaves a line without the secret alone", () => {
    assert.equal(maskApiSecret("VideoRoom plugin initialized! Uo", secret), "VideoRoom plugin initialized! Uo");
  });
});

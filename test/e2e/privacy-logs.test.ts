/**
 * No metadata in the logs: a real meeting of three Chromium participants
 * (home page, privacy page, pre-join, join, media, a dropped connection,
 * leave) plus a misbehaving raw client, then a search of everything the
 * server logged, Janus' forwarded output included, for the participants'
 * names, the room name and any IP address.
 *
 * The server runs behind a "proxy" it trusts (trustProxy, every request
 * claims X-Forwarded-For 192.0.2.x), so a log line that recorded the
 * client's address would show either that or the loopback address.
 *
 * The server binds to the name `localhost`, not to 127.0.0.1: its own
 * listen address is configuration, not a participant's data, but naming it
 * lets the search forbid every IP address outright.
 *
 * Levels: `info` (the default) logs the configuration at start (secrets
 * masked), "janus is up", "treff is listening", start-up notes about the
 * operator settings, failed requests (error text only) and abuse closes.
 * `debug` adds every line Janus prints, with addresses replaced by [addr];
 * here Janus runs at its most verbose level (7), the worst case an operator
 * can configure, to prove the replacement holds.
 */
import { describe, test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readdirSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import WebSocket from "ws";
import { joinFromPrejoin, newParticipant, type ParticipantPage, seesPlaying as seesPlayingNames } from "../helpers/browser.js";
import { testMediaInterface, type TestServer } from "../helpers/server.js";
import { useServerAndBrowser } from "../helpers/suite.js";
import { waitUntil } from "../helpers/wait.js";
import { PROTOCOL_VERSION } from "../../src/protocol/constants.js";
import type { JanusSupervisor } from "../../src/media/janus/supervisor.js";

const NAMES = ["Zylpha Quornby", "Brannock Vexley", "Ottoline Qwist"];
/** Said by a raw client that is not a browser. */
const RAW_NAME = "Quentin Zwobbelmeier";
const ROOM_WORD = "xanthippekolloquium";
const FORWARDED_FOR = ["192.0.2.41", "192.0.2.42", "192.0.2.43"];

/** The strings no log line may contain, besides any address pattern. */
function forbiddenStrings(room: string): string[] {
  const words = [...NAMES, RAW_NAME].flatMap((n) => [n, ...n.split(" ")]);
  return [...words, room, ROOM_WORD, "127.0.0.1", "127.0.0.2", "192.0.2", "::1", "::ffff:"];
}

const IPV4 = /(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])/;
// IPv6: the full eight groups, or a `::` form with at least one group (a bare "::" is never an address here).
const IPV6 = /(?<![0-9a-f:])(?:(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}|(?:[0-9a-f]{1,4}:)+:(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*)?|::(?:[0-9a-f]{1,4}:)*[0-9a-f]{1,4})(?![0-9a-f:])/i;

/** Every offending line, with what it contained. */
function leaks(lines: readonly string[], room: string): string[] {
  const forbidden = forbiddenStrings(room).map((s) => s.toLowerCase());
  const found: string[] = [];
  for (const line of lines) {
    const lower = line.toLowerCase();
    const hits = forbidden.filter((s) => lower.includes(s));
    if (IPV4.test(line)) hits.push(`IPv4 ${IPV4.exec(line)![0]}`);
    if (IPV6.test(line)) hits.push(`IPv6 ${IPV6.exec(line)![0]}`);
    if (hits.length) found.push(`${hits.join(", ")} in: ${line}`);
  }
  return found;
}

/** The distinct log messages (pino `msg`) with how often each appeared, for the test's diagnostics. */
function summary(lines: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const line of lines) {
    let key: string;
    try {
      const entry = JSON.parse(line) as { level?: string; msg?: string };
      key = `${entry.level} ${entry.msg}`;
    } catch {
      key = "(not JSON)";
    }
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([k, n]) => `${n}× ${k}`).join("; ");
}

const seesPlaying = (p: ParticipantPage, names: string[], who: string) => seesPlayingNames(p.page, names, who, 20_000);

/**
 * A signaling client that is not a browser: a publish Janus refuses, then
 * garbage until the server closes it. `sdpSession` is the SDP's session
 * name (`s=`), text the client chooses: Janus at level 5 and above prints
 * whole SDPs, so there it must not be a name (browsers send `s=-`).
 */
async function misbehave(server: TestServer, room: string, sdpSession: string): Promise<void> {
  const ws = new WebSocket(`${server.url.replace(/^http/, "ws")}/ws`, { headers: { "x-forwarded-for": "192.0.2.99" } });
  ws.on("error", () => {});
  const messages: { type: string }[] = [];
  ws.on("message", (data) => messages.push(JSON.parse(data.toString()) as { type: string }));
  await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
  ws.send(JSON.stringify({ type: "join", version: PROTOCOL_VERSION, room, name: RAW_NAME }));
  await waitUntil("the raw client to join", async () => messages.map((m) => m.type), (types) => types.includes("joined") || types.includes("error"));
  // An offer Janus cannot use, full of addresses and the name: its refusal is logged as a failed request.
  const sdp = `v=0\r\no=- 1 1 IN IP4 192.0.2.99\r\ns=${sdpSession}\r\nc=IN IP4 192.0.2.99\r\nm=audio 9 RTP/AVP 0\r\na=candidate:1 1 udp 1 192.0.2.99 5000 typ host\r\n`;
  ws.send(JSON.stringify({ type: "publish", sdp }));
  const before = messages.length;
  await waitUntil("an answer to the bad offer", async () => messages.slice(before).map((m) => m.type), (types) => types.includes("error") || types.includes("publisherAnswer"), 15_000);
  const closed = new Promise<number>((resolve) => ws.once("close", resolve));
  for (let i = 0; i < 120; i++) ws.send(`not json from ${RAW_NAME} at 192.0.2.99 in ${room}`);
  assert.equal(await closed, 4008, "closed for abuse");
}

/**
 * Nothing of the meeting goes to disk on the media side: the Janus process
 * has no file open (only devices, sockets and pipes), and its private folder
 * holds exactly the configuration Treff wrote. A recording would be an open
 * file; Treff never asks Janus for one.
 */
function assertJanusWritesNothing(server: TestServer): void {
  const janus = server.janus as JanusSupervisor;
  const pid = janus.pid;
  assert.ok(pid, "Janus runs");
  const open = readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
    try {
      return [readlinkSync(`/proc/${pid}/fd/${fd}`)];
    } catch {
      return []; // closed in between
    }
  });
  const files = open.filter((target) => target.startsWith("/") && !target.startsWith("/dev/"));
  assert.deepEqual(files, [], "files Janus holds open during the meeting");
  const dir = janus.configDir!;
  assert.deepEqual(readdirSync(dir).sort(), ["empty", "janus.jcfg", "janus.plugin.videoroom.jcfg", "janus.sock", "janus.transport.websockets.jcfg", "plugins", "transports"]);
  assert.deepEqual(readdirSync(join(dir, "empty")), []);
  assert.deepEqual(readdirSync(join(dir, "plugins")), ["libjanus_videoroom.so"]);
  assert.deepEqual(readdirSync(join(dir, "transports")), ["libjanus_websockets.so"]);
}

async function runMeeting(
  server: TestServer,
  browser: Browser,
  room: string,
  people: number,
  sdpSession: string,
  whileMeeting: () => void = () => {},
): Promise<void> {
  const participants: ParticipantPage[] = [];
  for (let i = 0; i < people; i++) {
    const p = await newParticipant(browser);
    await p.context.setExtraHTTPHeaders({ "x-forwarded-for": FORWARDED_FOR[i]! });
    participants.push(p);
  }
  const [first] = participants;
  // The home page creates a meeting (a random name), and the privacy page is read.
  await first!.page.goto(server.url);
  await first!.page.getByRole("button", { name: "New meeting" }).click();
  await first!.page.waitForURL(/\/r\/[A-Za-z0-9_-]{22}$/);
  await first!.page.goto(`${server.url}/privacy`);
  // A meeting under a name of its own, created through the API as an organiser's tool would.
  const created = await fetch(`${server.url}/api/meetings`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": "192.0.2.7" },
    body: JSON.stringify({ name: room }),
  });
  assert.equal(created.status, 200);

  for (const [i, p] of participants.entries()) {
    await p.page.goto(`${server.url}/r/${room}`);
    await joinFromPrejoin(p.page, NAMES[i]!);
  }
  for (const [i, p] of participants.entries()) await seesPlaying(p, NAMES.filter((_, j) => j !== i).slice(0, people - 1), NAMES[i]!);
  whileMeeting();

  await misbehave(server, room, sdpSession);

  // A dropped connection: everyone rejoins with their resume token.
  server.signaling.dropConnections();
  for (const [i, p] of participants.entries()) await seesPlaying(p, NAMES.filter((_, j) => j !== i).slice(0, people - 1), `${NAMES[i]} after the drop`);

  for (const p of participants) {
    await p.page.getByRole("button", { name: "Leave meeting" }).click();
    await p.page.getByRole("heading", { name: "You left the meeting" }).waitFor();
  }
  await waitUntil("the room to close", async () => server.registry.size, (n) => n === 0, 10_000);
  for (const p of participants) await p.context.close();
}

function assertNoLeaks(t: TestContext, server: TestServer, room: string): void {
  t.diagnostic(`${server.logLines.length} log lines: ${summary(server.logLines)}`);
  for (const line of server.logLines.filter((l) => !l.startsWith('{"level":"debug"'))) t.diagnostic(line.slice(0, 400));
  const found = leaks(server.logLines, room);
  assert.equal(found.length, 0, `metadata in the log:\n${found.join("\n")}`);
}

describe("the log at level info (the default) holds no names, room names or addresses", () => {
  const suite = useServerAndBrowser({
    logLevel: "info",
    config: { host: "localhost", meetings: { lobby: false }, http: { trustProxy: true } },
  });
  const room = `${ROOM_WORD}-${randomBytes(4).toString("hex")}`;

  test("a meeting of three runs: home page, privacy page, pre-join, join, media, a dropped connection, leave", async () => {
    await runMeeting(suite.server, suite.browser, room, 3, RAW_NAME, () => assertJanusWritesNothing(suite.server));
  });

  test("nothing logged, start to shutdown, contains a name, the room name or an IP address", async (t) => {
    await suite.browser.close();
    await suite.server.close();
    assert.ok(suite.server.logLines.some((l) => l.includes("treff is listening")), "the log was captured");
    assertNoLeaks(t, suite.server, room);
  });
});

describe("the log at level debug, with Janus at its most verbose, holds no addresses either", () => {
  const suite = useServerAndBrowser({
    logLevel: "debug",
    config: {
      host: "localhost",
      meetings: { lobby: false },
      http: { trustProxy: true },
      janus: { iceInterfaces: testMediaInterface(), logLevel: 7 },
    },
  });
  const room = `${ROOM_WORD}-${randomBytes(4).toString("hex")}`;

  test("a meeting of two runs", async () => {
    await runMeeting(suite.server, suite.browser, room, 2, "-");
  });

  test("no name, room name or IP address in any line, Janus' own included", async (t) => {
    await suite.browser.close();
    await suite.server.close();
    assert.ok(suite.server.logLines.some((l) => l.includes('"janus"')), "Janus' output was forwarded");
    assertNoLeaks(t, suite.server, room);
  });

  test(
    "Janus' API secret does not appear in the log",
    () => {
      const leaked = suite.server.logLines.filter((l) => /\\?"apisecret\\?"\s*:\s*\\?"(?!\*)/.test(l));
      assert.equal(leaked.length, 0, `the API secret in ${leaked.length} lines, e.g. ${leaked[0]?.slice(0, 300)}`);
    },
  );
});

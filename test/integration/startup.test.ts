/**
 * Starting up: the warning when the operator is unknown, and Treff on an
 * external Janus (JANUS_URL + secret) — joining works, a wrong secret stops
 * the start with a clear error, a lost connection is re-established, and a
 * plain ws:// URL without a secret is warned about.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { WebSocketServer } from "ws";
import { JanusSupervisor, findJanusLibraryDir } from "../../src/media/janus/supervisor.js";
import { createLogger } from "../../src/common/log.js";
import { startTestServer, testMediaInterface, type TestServer } from "../helpers/server.js";
import { waitUntil } from "../helpers/wait.js";
import { closeAllClients, TestClient } from "./client.js";
import { signalingUrl, newRoom } from "./server.js";
import { publisherOffer } from "./sdp.js";

const SECRET = "an-external-janus-secret";
let janus: JanusSupervisor;

before(async () => {
  janus = new JanusSupervisor({
    binary: "janus",
    libraryDir: findJanusLibraryDir()!,
    iceInterfaces: testMediaInterface(),
    logLevel: 3,
    rtpPortRange: "",
    nat1To1: "",
    iceLite: false,
    log: createLogger("silent"),
    apiSecret: SECRET,
  });
  await janus.start();
});

after(async () => {
  await closeAllClients();
  await janus.stop();
});

const external = (apiSecret = SECRET) => ({
  config: { janus: { url: `ws+unix://${janus.configDir}/janus.sock`, apiSecret }, meetings: { lobby: false } },
  logLevel: "info" as const,
});

test("without an operator configured, the server warns at start; with one, it does not", async () => {
  const anonymous = await startTestServer(external());
  assert.ok(anonymous.logLines.some((l) => l.includes("no operator set") && l.includes("TREFF_OPERATOR_NAME")));
  await anonymous.close();
  const named = await startTestServer({ ...external(), config: { ...external().config, operator: { name: "Praxis Berg", contact: "praxis@example.org" } } });
  assert.ok(!named.logLines.some((l) => l.includes("no operator set")));
  await named.close();
});

test("with JANUS_URL Treff uses that Janus: a meeting works on it", async () => {
  const server: TestServer = await startTestServer(external());
  try {
    assert.ok(server.logLines.some((l) => l.includes("connected to external janus")));
    const client = await TestClient.connect(signalingUrl(server));
    await client.join(newRoom(), "Ada");
    client.send({ type: "publish", sdp: publisherOffer() });
    assert.match((await client.next("publisherAnswer")).sdp, /^v=0/);
  } finally {
    await closeAllClients();
    await server.close();
  }
  // Treff does not stop a Janus it did not start.
  assert.ok(janus.pid !== undefined, "the external Janus still runs");
});

test("a wrong secret for the external Janus stops the start with a clear error", async () => {
  await assert.rejects(startTestServer(external("not-the-secret")), /janus error 403/i);
});

test("when the external Janus goes away, participants are asked to reconnect and Treff reconnects by itself", async () => {
  const server = await startTestServer(external());
  try {
    const client = await TestClient.connect(signalingUrl(server));
    await client.join(newRoom(), "Ada");
    process.kill(janus.pid!, "SIGKILL");
    assert.equal((await client.closed).code, 1012);
    await waitUntil("Treff back on Janus", async () => (await fetch(`${server.url}/healthz`)).status, (s) => s === 200, 15_000, 100);
    const again = await TestClient.connect(signalingUrl(server));
    await again.join(newRoom(), "Ada");
  } finally {
    await closeAllClients();
    await server.close();
  }
});

test("an external Janus over plain ws:// without an API secret starts with a warning; with a secret, or over ws+unix://, without", async () => {
  // A stand-in that answers like a Janus without an API secret: Treff only needs it to start.
  const janusWithoutSecret = new WebSocketServer({ host: "127.0.0.1", port: 0, handleProtocols: () => "janus-protocol" });
  janusWithoutSecret.on("connection", (socket) =>
    socket.on("message", (data) => {
      const request = JSON.parse(data.toString()) as { janus: string; transaction: string };
      socket.send(JSON.stringify({ janus: "success", transaction: request.transaction, data: { id: 1 } }));
    }),
  );
  await new Promise((resolve) => janusWithoutSecret.once("listening", resolve));
  const url = `ws://127.0.0.1:${(janusWithoutSecret.address() as { port: number }).port}`;
  const warning = (server: TestServer) => server.logLines.filter((l) => l.includes('"level":"warn"') && l.includes("plain ws:// without an API secret"));
  try {
    const open = await startTestServer({ config: { janus: { url }, meetings: { lobby: false } }, logLevel: "info" });
    await open.close();
    assert.equal(warning(open).length, 1, "warned once");
    assert.match(warning(open)[0]!, /anyone who reaches that port controls the media server; use ws\+unix:\/\/ or set JANUS_API_SECRET/);

    const withSecret = await startTestServer({ config: { janus: { url, apiSecret: "a-secret" }, meetings: { lobby: false } }, logLevel: "info" });
    await withSecret.close();
    assert.deepEqual(warning(withSecret), []);
  } finally {
    await new Promise((resolve) => janusWithoutSecret.close(resolve));
  }
  const overUnix = await startTestServer(external());
  await overUnix.close();
  assert.deepEqual(warning(overUnix), []);
});

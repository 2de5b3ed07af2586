/**
 * /metrics (Prometheus, prom-client): off unless the operator gives it an
 * address of its own, never on the public port; counts of this node's
 * meetings, people, connections, rejected messages and media server, with no
 * room name, display name or address anywhere in it.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { once } from "node:events";
import type { TreffServer } from "../../src/server/app.js";
import type { JanusSupervisor } from "../../src/media/janus/supervisor.js";
import { waitUntil } from "../helpers/wait.js";
import { TestClient, closeAllClients } from "./client.js";
import { newRoom, signalingUrl, startServer, waitUntilIdle } from "./server.js";

/** The value of an unlabelled metric, or of one with exactly these labels. */
function value(text: string, name: string, labels = ""): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${name}${labels} `));
  return line === undefined ? undefined : Number(line.split(" ")[1]);
}

describe("without an address for it", () => {
  let server: TreffServer;
  before(async () => (server = await startServer()));
  after(async () => server.close());

  test("there are no metrics, and none on the public port", async () => {
    assert.equal(server.metricsUrl, undefined);
    assert.equal((await fetch(`${server.url}/metrics`)).status, 404);
  });
});

describe("on the address the operator chose", () => {
  let server: TreffServer;
  before(async () => (server = await startServer({ metrics: { listen: "127.0.0.1:0" } })));
  after(async () => {
    await closeAllClients();
    await server.close();
  });
  const scrape = async () => {
    const response = await fetch(server.metricsUrl!);
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    return response.text();
  };

  test("the meetings, people, connections and rejected messages of this node, and nothing that names anyone", async () => {
    assert.match(server.metricsUrl ?? "", /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    assert.notEqual(new URL(server.metricsUrl!).port, new URL(server.url).port, "a port of its own");
    const room = newRoom("sprechstunde");
    const ada = await TestClient.connect(signalingUrl(server));
    await ada.join(room, "Ada Lovelace");
    const bob = await TestClient.connect(signalingUrl(server));
    await bob.join(room, "Bob Babbage");
    bob.sendRaw("{not json");
    bob.sendRaw("{not json either");
    bob.send({ type: "chat", text: "Geheimnis" });
    await ada.next("chat");
    await bob.barrier();

    const text = await scrape();
    assert.equal(value(text, "treff_rooms"), 1);
    assert.equal(value(text, "treff_participants"), 2);
    assert.equal(value(text, "treff_lobby_waiting"), 0);
    assert.equal(value(text, "treff_signaling_connections"), 2);
    assert.equal(value(text, "treff_janus_up"), 1);
    assert.equal(value(text, "treff_janus_restarts_total"), 0);
    assert.equal(value(text, "treff_node_draining"), 0);
    assert.ok((value(text, "treff_node_load") ?? -1) >= 0);
    assert.ok(value(text, "treff_publishers") !== undefined);
    assert.equal(value(text, "treff_messages_rejected_total", '{reason="bad-json"}'), 2);
    assert.ok(value(text, "treff_process_resident_memory_bytes")! > 0, "the process' own figures too");
    for (const personal of [room, "Ada", "Bob", "Geheimnis", "127.0.0.1"]) assert.ok(!text.includes(personal), `no '${personal}' in /metrics`);
    assert.equal((await fetch(server.metricsUrl!.replace(/metrics$/, "other"))).status, 404);
    await closeAllClients();
    await waitUntilIdle(server);
    assert.equal(value(await scrape(), "treff_rooms"), 0);
  });

  test("the media server going away is counted, and it is up again after the restart", async () => {
    const supervisor = server.janus as JanusSupervisor;
    const down = once(server.mediaPlane, "down");
    process.kill(supervisor.pid!, "SIGKILL");
    await down;
    await waitUntil("Janus to be back", async () => value(await scrape(), "treff_janus_up"), (up) => up === 1, 20_000, 200);
    assert.equal(value(await scrape(), "treff_janus_restarts_total"), 1);
  });
});

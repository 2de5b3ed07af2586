/**
 * JanusConnection, JanusSession and JanusHandle against a fake Janus: a
 * WebSocket server on 127.0.0.1 that speaks just enough of the Janus JSON
 * API (create, attach, message, trickle, keepalive, detach, destroy) to
 * exercise transactions, acks, plugin events and errors. The real Janus is
 * the integration suite's job.
 */
import { afterEach, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import { JanusClosedError, JanusConnection, JanusError, type JanusHandle } from "../../src/media/janus/client.js";
import { MediaError } from "../../src/media/media-plane.js";

const SECRET = "test-secret";
const VIDEOROOM = "janus.plugin.videoroom";

interface Request {
  janus: string;
  transaction: string;
  apisecret?: string;
  session_id?: number;
  handle_id?: number;
  plugin?: string;
  body?: Record<string, unknown>;
  jsep?: { type: string; sdp: string };
  candidate?: unknown;
}

/** Requests the fake's plugin answers asynchronously: an ack now, an event right after. */
const ASYNC_REQUESTS = new Set(["join", "configure", "start"]);

class FakeJanus {
  readonly received: Request[] = [];
  /** The replies to one request, in order (strings are sent as they are); tests replace it to script Janus. */
  answer: (request: Request) => (object | string)[] = (request) => this.defaultAnswer(request);
  private client: WebSocket | undefined;
  private nextId = 1000;
  private waiters: { match: (r: Request) => boolean; resolve: (r: Request) => void }[] = [];

  private constructor(private readonly server: WebSocketServer) {
    server.on("connection", (socket) => {
      this.client = socket;
      socket.on("message", (data) => {
        const request = JSON.parse(String(data)) as Request;
        this.received.push(request);
        this.waiters = this.waiters.filter((w) => !(w.match(request) && (w.resolve(request), true)));
        for (const reply of this.answer(request)) socket.send(typeof reply === "string" ? reply : JSON.stringify(reply));
      });
    });
  }

  static async start(): Promise<FakeJanus> {
    const server = new WebSocketServer({ host: "127.0.0.1", port: 0, handleProtocols: () => "janus-protocol" });
    await once(server, "listening");
    return new FakeJanus(server);
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Sends a message no request asked for (an event, webrtcup, hangup…). */
  push(message: object): void {
    assert.ok(this.client, "no client connected");
    this.client.send(JSON.stringify(message));
  }

  /** Resolves with the next request `match` accepts. */
  nextRequest(match: (r: Request) => boolean): Promise<Request> {
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  /** Janus goes away: the socket closes from the server's side. */
  dropClient(): void {
    this.client?.terminate();
  }

  async close(): Promise<void> {
    for (const socket of this.server.clients) socket.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  defaultAnswer(r: Request): object[] {
    const base = { transaction: r.transaction, ...(r.session_id ? { session_id: r.session_id } : {}) };
    if (r.apisecret !== SECRET) {
      return [{ janus: "error", ...base, error: { code: 403, reason: "Unauthorized request (wrong or missing secret/token)" } }];
    }
    switch (r.janus) {
      case "info":
        return [{ janus: "server_info", ...base, name: "Fake Janus" }];
      case "create":
      case "attach":
        return [{ janus: "success", ...base, data: { id: this.nextId++ } }];
      case "keepalive":
      case "trickle":
        return [{ janus: "ack", ...base }];
      case "detach":
      case "destroy":
        return [{ janus: "success", ...base }];
      case "message":
        return this.pluginAnswer(r, base);
      default:
        return [{ janus: "error", ...base, error: { code: 453, reason: `Unknown request '${r.janus}'` } }];
    }
  }

  private pluginAnswer(r: Request, base: object): object[] {
    const body = r.body ?? {};
    const request = String(body.request);
    const reply = { ...base, sender: r.handle_id };
    const data =
      body.room === 404
        ? { videoroom: "event", error_code: 426, error: "No such room (404)" }
        : { videoroom: ASYNC_REQUESTS.has(request) ? "joined" : "success", room: body.room };
    const plugindata = { plugin: VIDEOROOM, data };
    if (!ASYNC_REQUESTS.has(request)) return [{ janus: "success", ...reply, plugindata }];
    const jsep = r.jsep ? { jsep: { type: "answer", sdp: `answer to ${r.jsep.sdp}` } } : {};
    return [
      { janus: "ack", ...base },
      { janus: "event", ...reply, plugindata, ...jsep },
    ];
  }
}

/** Tracks whether a promise has settled, without handling its rejection for the caller. */
function watch(promise: Promise<unknown>): { readonly settled: boolean } {
  const state = { settled: false };
  promise.then(
    () => (state.settled = true),
    () => (state.settled = true),
  );
  return state;
}

let fake: FakeJanus;
let connection: JanusConnection;

beforeEach(async () => {
  fake = await FakeJanus.start();
  connection = await JanusConnection.connect(fake.url, SECRET);
});

afterEach(async () => {
  connection.close();
  await fake.close();
});

/** A session with one VideoRoom handle. */
async function attachHandle(): Promise<JanusHandle> {
  const session = await connection.createSession();
  return session.attach(VIDEOROOM);
}

describe("requests and transactions", () => {
  test("create and attach resolve with the ids Janus gave", async () => {
    const session = await connection.createSession();
    const handle = await session.attach(VIDEOROOM);
    assert.equal(session.id, 1000);
    assert.equal(handle.id, 1001);
    assert.equal(connection.sessions.get(1000), session);
    assert.equal(session.handles.get(1001), handle);
    const attach = fake.received[1]!;
    assert.equal(attach.janus, "attach");
    assert.equal(attach.session_id, 1000);
    assert.equal(attach.plugin, VIDEOROOM);
  });

  test("every request carries a unique transaction and the API secret", async () => {
    const handle = await attachHandle();
    await handle.request({ request: "exists", room: 1 });
    await connection.info();
    assert.equal(fake.received.length, 4);
    for (const request of fake.received) {
      assert.equal(request.apisecret, SECRET);
      assert.match(request.transaction, /^[A-Za-z0-9_-]{12}$/);
    }
    assert.equal(new Set(fake.received.map((r) => r.transaction)).size, 4);
  });

  test("a request resolves with the reply that ends its transaction", async () => {
    const reply = await connection.info();
    assert.equal(reply.janus, "server_info");
    assert.equal(reply.name, "Fake Janus");
    assert.equal(reply.transaction, fake.received[0]!.transaction);
  });

  test("concurrent requests each get their own reply", async () => {
    fake.answer = (r) => [{ janus: "success", transaction: r.transaction, data: { echo: r.body } }];
    const replies = await Promise.all([1, 2, 3].map((n) => connection.request({ janus: "x", body: n })));
    assert.deepEqual(replies.map((r) => r.data?.echo), [1, 2, 3]);
  });

  test("janus:error rejects with a JanusError carrying Janus' code", async () => {
    await assert.rejects(connection.request({ janus: "bogus" }), (error: unknown) => {
      assert.ok(error instanceof JanusError);
      assert.ok(error instanceof MediaError);
      assert.equal(error.code, 453);
      assert.equal(error.message, "janus error 453: Unknown request 'bogus'");
      return true;
    });
  });

  test("a wrong API secret is Janus' error 403", async () => {
    const unauthorized = await JanusConnection.connect(fake.url, "wrong");
    try {
      await assert.rejects(unauthorized.info(), (error: unknown) => error instanceof JanusError && error.code === 403);
    } finally {
      unauthorized.close();
    }
  });

  test("a connection without a secret sends no apisecret field", async () => {
    const anonymous = await JanusConnection.connect(fake.url);
    try {
      await assert.rejects(anonymous.info(), (error: unknown) => error instanceof JanusError && error.code === 403);
      assert.equal("apisecret" in fake.received[0]!, false);
    } finally {
      anonymous.close();
    }
  });

  test("a request Janus does not answer times out with a MediaError and is forgotten", async () => {
    fake.answer = () => [];
    const started = Date.now();
    await assert.rejects(connection.request({ janus: "info" }, { timeoutMs: 50 }), (error: unknown) => {
      assert.ok(error instanceof MediaError);
      assert.ok(!(error instanceof JanusClosedError));
      assert.equal(error.message, "Janus did not answer 'info' within 50 ms");
      return true;
    });
    assert.ok(Date.now() - started >= 45);
    // A late answer is ignored, and the connection still works.
    fake.push({ janus: "server_info", transaction: fake.received[0]!.transaction });
    fake.answer = (r) => fake.defaultAnswer(r);
    assert.equal((await connection.info()).janus, "server_info");
  });

  test("a settled request leaves no timer behind", async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
    const before = timers();
    await connection.info();
    await assert.rejects(connection.request({ janus: "bogus" }), JanusError);
    assert.equal(timers(), before);
  });

  test("create without a session id is an error", async () => {
    fake.answer = (r) => [{ janus: "success", transaction: r.transaction, data: {} }];
    await assert.rejects(connection.createSession(), { message: "Janus 'create' returned no session id" });
    assert.equal(connection.sessions.size, 0);
  });

  test("non-JSON from Janus is ignored", async () => {
    fake.answer = (r) => ["not json {", ...fake.defaultAnswer(r)];
    assert.equal((await connection.info()).janus, "server_info");
    assert.equal(connection.isOpen, true);
  });
});

describe("plugin requests", () => {
  test("a synchronous request resolves with the plugin's data", async () => {
    const handle = await attachHandle();
    assert.deepEqual(await handle.request({ request: "exists", room: 7 }), { videoroom: "success", room: 7 });
    const sent = fake.received.at(-1)!;
    assert.equal(sent.janus, "message");
    assert.equal(sent.session_id, handle.session.id);
    assert.equal(sent.handle_id, handle.id);
    assert.deepEqual(sent.body, { request: "exists", room: 7 });
  });

  test("a plugin error (plugindata.data.error_code) rejects with a JanusError", async () => {
    const handle = await attachHandle();
    await assert.rejects(handle.request({ request: "exists", room: 404 }), (error: unknown) => {
      assert.ok(error instanceof JanusError);
      assert.equal(error.code, 426);
      assert.equal(error.message, "janus error 426: No such room (404)");
      return true;
    });
  });

  test("an asynchronous message resolves with the event after the ack, with its jsep", async () => {
    const handle = await attachHandle();
    const result = await handle.message({ request: "join", room: 5 }, { type: "offer", sdp: "v=0 offer" });
    assert.deepEqual(result, { data: { videoroom: "joined", room: 5 }, jsep: { type: "answer", sdp: "answer to v=0 offer" } });
    assert.deepEqual(fake.received.at(-1)!.jsep, { type: "offer", sdp: "v=0 offer" });
  });

  test("an asynchronous message is still pending after the ack, until its event", async () => {
    const handle = await attachHandle();
    let transaction = "";
    fake.answer = (r) => {
      transaction = r.transaction;
      const marker = { janus: "event", session_id: r.session_id, sender: r.handle_id, plugindata: { plugin: VIDEOROOM, data: { marker: true } } };
      return [{ janus: "ack", transaction, session_id: r.session_id }, marker];
    };
    const result = handle.message({ request: "start" });
    const state = watch(result);
    // The marker event follows the ack on the same socket: once it arrives, the ack was handled.
    const [marker] = await once(handle, "event");
    assert.deepEqual(marker, { marker: true });
    assert.equal(state.settled, false);
    fake.push({
      janus: "event",
      transaction,
      session_id: handle.session.id,
      sender: handle.id,
      plugindata: { plugin: VIDEOROOM, data: { videoroom: "event", started: "ok" } },
    });
    assert.deepEqual(await result, { data: { videoroom: "event", started: "ok" }, jsep: undefined });
  });

  test("a plugin error in the event that answers an asynchronous message rejects it", async () => {
    const handle = await attachHandle();
    await assert.rejects(handle.message({ request: "join", room: 404 }), { code: 426 });
  });

  test("a synchronous request settles on an ack (trickle)", async () => {
    const handle = await attachHandle();
    await handle.trickle({ candidate: "candidate:1 1 udp 1 192.0.2.1 9 typ host", sdpMid: "0" });
    await handle.trickle(null);
    const [first, last] = fake.received.slice(-2);
    assert.equal(first!.janus, "trickle");
    assert.deepEqual(first!.candidate, { candidate: "candidate:1 1 udp 1 192.0.2.1 9 typ host", sdpMid: "0" });
    assert.deepEqual(last!.candidate, { completed: true });
    assert.equal(last!.handle_id, handle.id);
  });
});

describe("events without a waiting transaction", () => {
  test("reach the listeners of the handle they name, and no other", async () => {
    const session = await connection.createSession();
    const a = await session.attach(VIDEOROOM);
    const b = await session.attach(VIDEOROOM);
    const seenByA: string[] = [];
    a.on("event", () => seenByA.push("event"));
    a.on("webrtcup", () => seenByA.push("webrtcup"));
    a.on("hangup", () => seenByA.push("hangup"));

    const event = once(b, "event");
    fake.push({
      janus: "event",
      session_id: session.id,
      sender: b.id,
      plugindata: { plugin: VIDEOROOM, data: { videoroom: "updated" } },
      jsep: { type: "offer", sdp: "renegotiate" },
    });
    assert.deepEqual(await event, [{ videoroom: "updated" }, { type: "offer", sdp: "renegotiate" }]);

    const up = once(b, "webrtcup");
    fake.push({ janus: "webrtcup", session_id: session.id, sender: b.id });
    await up;

    const hangup = once(b, "hangup");
    fake.push({ janus: "hangup", session_id: session.id, sender: b.id, reason: "DTLS alert" });
    assert.deepEqual(await hangup, ["DTLS alert"]);

    assert.deepEqual(seenByA, []);
  });

  test("an event without plugindata is delivered as empty data", async () => {
    const handle = await attachHandle();
    const event = once(handle, "event");
    fake.push({ janus: "event", session_id: handle.session.id, sender: handle.id });
    assert.deepEqual(await event, [{}, undefined]);
  });

  test("events for unknown sessions or handles are dropped", async () => {
    const handle = await attachHandle();
    let events = 0;
    handle.on("event", () => events++);
    fake.push({ janus: "event", session_id: 1, sender: handle.id, plugindata: { plugin: VIDEOROOM, data: {} } });
    fake.push({ janus: "event", session_id: handle.session.id, sender: 1, plugindata: { plugin: VIDEOROOM, data: {} } });
    fake.push({ janus: "event", sender: handle.id, plugindata: { plugin: VIDEOROOM, data: {} } });
    // A request after them: its reply arrives after the pushed events were handled.
    await connection.info();
    assert.equal(events, 0);
    assert.equal(connection.isOpen, true);
  });

  test("detached marks the handle gone", async () => {
    const handle = await attachHandle();
    const gone = once(handle, "gone");
    fake.push({ janus: "detached", session_id: handle.session.id, sender: handle.id });
    await gone;
    assert.equal(handle.session.handles.has(handle.id), false);
    await assert.rejects(handle.request({ request: "exists" }), JanusClosedError);
  });

  test("a session timeout marks the session and its handles gone", async () => {
    const handle = await attachHandle();
    const session = handle.session;
    const gone = once(handle, "gone");
    fake.push({ janus: "timeout", session_id: session.id });
    await gone;
    assert.equal(connection.sessions.has(session.id), false);
    assert.equal(session.handles.size, 0);
    await assert.rejects(session.attach(VIDEOROOM), JanusClosedError);
  });
});

describe("lifetimes", () => {
  test("closing the connection rejects pending requests and marks sessions and handles gone", async () => {
    const handle = await attachHandle();
    const session = handle.session;
    fake.answer = () => [];
    let gone = 0;
    handle.on("gone", () => gone++);
    let closes = 0;
    connection.on("close", () => closes++);
    const pending = [connection.info(), handle.message({ request: "join", room: 1 }), handle.request({ request: "exists" })];
    await fake.nextRequest((r) => r.janus === "message" && r.body?.request === "exists");

    connection.close();
    connection.close();

    for (const request of pending) await assert.rejects(request, JanusClosedError);
    assert.equal(connection.isOpen, false);
    assert.equal(closes, 1);
    assert.equal(gone, 1);
    assert.equal(connection.sessions.size, 0);
    assert.equal(session.handles.size, 0);
    assert.equal(handle.listenerCount("gone"), 0);
    await assert.rejects(connection.info(), JanusClosedError);
    await assert.rejects(connection.createSession(), JanusClosedError);
    await assert.rejects(session.attach(VIDEOROOM), JanusClosedError);
    await assert.rejects(handle.message({ request: "join" }), JanusClosedError);
    await assert.rejects(handle.trickle(null), JanusClosedError);
  });

  test("Janus closing the socket closes the connection", async () => {
    const handle = await attachHandle();
    fake.answer = () => [];
    const pending = connection.info();
    const gone = once(handle, "gone");
    const closed = once(connection, "close");
    await fake.nextRequest((r) => r.janus === "info");
    fake.dropClient();
    await closed;
    await gone;
    await assert.rejects(pending, JanusClosedError);
    assert.equal(connection.isOpen, false);
  });

  test("detach tells Janus once, marks the handle gone, and is idempotent", async () => {
    const handle = await attachHandle();
    let gone = 0;
    handle.on("gone", () => gone++);
    await handle.detach();
    await handle.detach();
    const detaches = fake.received.filter((r) => r.janus === "detach");
    assert.equal(detaches.length, 1);
    assert.equal(detaches[0]!.handle_id, handle.id);
    assert.equal(detaches[0]!.session_id, handle.session.id);
    assert.equal(gone, 1);
    assert.equal(handle.session.handles.has(handle.id), false);
  });

  test("destroy tells Janus once, marks the session and its handles gone, and is idempotent", async () => {
    const handle = await attachHandle();
    const session = handle.session;
    const gone = once(handle, "gone");
    await session.destroy();
    await session.destroy();
    await gone;
    assert.deepEqual(
      fake.received.filter((r) => r.janus === "destroy").map((r) => r.session_id),
      [session.id],
    );
    assert.equal(connection.sessions.has(session.id), false);
  });

  /** Holds back Janus' answer to the next plugin message: `ack()` and `answer()` send them when the test says. */
  function holdNextMessage(): { request: Promise<Request>; ack(): void; answer(): void } {
    let held: Request | undefined;
    let arrived!: (r: Request) => void;
    const request = new Promise<Request>((resolve) => (arrived = resolve));
    fake.answer = (r) => {
      if (r.janus !== "message" || held) return fake.defaultAnswer(r);
      held = r;
      arrived(r);
      return [];
    };
    return {
      request,
      ack: () => fake.push({ janus: "ack", transaction: held!.transaction, session_id: held!.session_id }),
      answer: () =>
        fake.push({
          janus: "event",
          transaction: held!.transaction,
          session_id: held!.session_id,
          sender: held!.handle_id,
          plugindata: { plugin: VIDEOROOM, data: { videoroom: "event", configured: "ok" } },
          jsep: { type: "answer", sdp: "v=0 answer" },
        }),
    };
  }

  // Janus 1.1 crashes now and then when a handle goes while an offer sent on it is still being worked on.
  for (const [what, end] of [
    ["detach", (h: JanusHandle) => h.detach()],
    ["destroy", (h: JanusHandle) => h.session.destroy()],
  ] as const) {
    test(`${what} waits until Janus has answered the requests sent on the handle`, async () => {
      const handle = await attachHandle();
      const held = holdNextMessage();
      const publish = handle.message({ request: "configure" }, { type: "offer", sdp: "v=0 offer" });
      await held.request;
      const ending = end(handle);
      held.ack();
      await connection.info(); // a round trip: a request sent at once would have reached the fake by now
      assert.equal(fake.received.some((r) => r.janus === what), false, `no ${what} before Janus answered the offer`);
      const ended = fake.nextRequest((r) => r.janus === what);
      held.answer();
      assert.equal((await publish).jsep?.sdp, "v=0 answer");
      await ended;
      await ending;
    });
  }

  test("detach and destroy on a closed connection resolve quietly", async () => {
    const handle = await attachHandle();
    connection.close();
    await assert.doesNotReject(handle.detach());
    await assert.doesNotReject(handle.session.destroy());
  });

  test("a session sends a keepalive every 25 s until it is gone", async (t) => {
    t.mock.timers.enable({ apis: ["setInterval"] });
    const session = await connection.createSession();
    const keepalive = fake.nextRequest((r) => r.janus === "keepalive");
    t.mock.timers.tick(25_000);
    const request = await keepalive;
    assert.equal(request.session_id, session.id);
    assert.equal(request.apisecret, SECRET);

    await session.destroy();
    const before = fake.received.length;
    t.mock.timers.tick(100_000);
    await connection.info(); // anything sent by the ticks arrives before this
    assert.equal(fake.received.filter((r) => r.janus === "keepalive").length, 1);
    assert.equal(fake.received.length, before + 1);
  });
});

describe("JanusConnection.connect", () => {
  test("rejects when nothing listens", async () => {
    const probe = await FakeJanus.start();
    const url = probe.url;
    await probe.close();
    await assert.rejects(JanusConnection.connect(url, SECRET), { code: "ECONNREFUSED" });
  });

  test("rejects when the server refuses the WebSocket upgrade", async () => {
    const http = createServer((_request, response) => response.writeHead(404).end());
    http.listen(0, "127.0.0.1");
    await once(http, "listening");
    try {
      const { port } = http.address() as AddressInfo;
      await assert.rejects(JanusConnection.connect(`ws://127.0.0.1:${port}`, SECRET), {
        message: "Janus refused the WebSocket upgrade",
      });
    } finally {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    }
  });
});

/**
 * The HTTP side as a browser sees it: the app page at / and /r/<room> with
 * Treff's security headers, 404 for room addresses that cannot be rooms,
 * meeting creation, what the home page asks of the server, and the health check.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { TreffServer } from "../../src/server/app.js";
import { startServer } from "./server.js";

let server: TreffServer;

before(async () => {
  server = await startServer();
});

after(async () => {
  await server.close();
});

function assertSecurityHeaders(response: Response, where: string): void {
  const csp = response.headers.get("content-security-policy") ?? "";
  assert.match(csp, /(^|; )connect-src 'self'(;|$)/, `${where}: CSP limits connections to this origin`);
  assert.match(csp, /(^|; )default-src 'self'(;|$)/, `${where}: CSP default-src`);
  assert.match(csp, /(^|; )script-src 'self' 'wasm-unsafe-eval'(;|$)/, `${where}: no inline or third-party script (WebAssembly may compile, no eval)`);
  assert.match(csp, /(^|; )frame-ancestors 'none'(;|$)/, `${where}: not embeddable`);
  assert.equal(response.headers.get("referrer-policy"), "no-referrer", where);
  assert.equal(response.headers.get("x-content-type-options"), "nosniff", where);
  assert.equal(response.headers.get("strict-transport-security"), null, `${where}: no HSTS over plain HTTP`);
}

test("/ and /r/<room> serve the app page with the security headers", async () => {
  for (const path of ["/", "/r/valid-name", "/r/Abc_123-x", `/r/${"a".repeat(64)}`]) {
    const response = await fetch(server.url + path);
    assert.equal(response.status, 200, path);
    assert.match(response.headers.get("content-type") ?? "", /^text\/html/, path);
    const html = await response.text();
    assert.match(html, /<!doctype html>/i, path);
    assertSecurityHeaders(response, path);
  }
});

test("room addresses that cannot be rooms are 404, with the security headers", async () => {
  for (const path of ["/r/bad%2Fname", `/r/${"a".repeat(65)}`, "/r/bad.name", "/r/%00", "/r/", "/r/a/b", "/nothing-here"]) {
    const response = await fetch(server.url + path);
    assert.equal(response.status, 404, path);
    assert.doesNotMatch(await response.text(), /<html/i, `${path}: not the app page`);
    assertSecurityHeaders(response, path);
  }
});

test("POST /api/meetings returns a fresh 22-character base64url room name each time", async () => {
  const names = new Set<string>();
  for (let i = 0; i < 5; i++) {
    const response = await fetch(`${server.url}/api/meetings`, { method: "POST" });
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /^application\/json/);
    const body = (await response.json()) as { room: string };
    assert.deepEqual(Object.keys(body), ["room", "moderatorKey", "e2ee"]);
    assert.match(body.room, /^[A-Za-z0-9_-]{22}$/);
    names.add(body.room);
    assertSecurityHeaders(response, "/api/meetings");
  }
  assert.equal(names.size, 5, "every meeting gets its own name");
  const page = await fetch(`${server.url}/r/${[...names][0]}`);
  assert.equal(page.status, 200, "the new name is a valid room address");
});

test("GET /api/meetings is not a way to create meetings", async () => {
  const response = await fetch(`${server.url}/api/meetings`);
  assert.equal(response.status, 404);
});

test("an oversized or malformed request body is a client error, not a server error", async () => {
  const big = await fetch(`${server.url}/api/meetings`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ pad: "x".repeat(64 * 1024) }),
  });
  assert.equal(big.status, 413);
  const bad = await fetch(`${server.url}/api/meetings`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{not json",
  });
  assert.equal(bad.status, 400);
  assert.equal(await bad.text(), "Bad request.", "no parser internals in the answer");
});

test("GET /api/server says whether meetings encrypt end to end and whether the operator is filled in, and nothing more", async () => {
  const response = await fetch(`${server.url}/api/server`);
  assert.equal(response.status, 200);
  assertSecurityHeaders(response, "/api/server");
  assert.deepEqual(await response.json(), { e2ee: true, operatorConfigured: false });
  const configured = await startServer({ operator: { name: "Verein e.V.", contact: " " }, meetings: { lobby: false, e2ee: false } });
  try {
    // A name without a way to reach them is not enough.
    assert.deepEqual(await (await fetch(`${configured.url}/api/server`)).json(), { e2ee: false, operatorConfigured: false });
  } finally {
    await configured.close();
  }
  const complete = await startServer({ operator: { name: "Verein e.V.", contact: "privacy@example.org" } });
  try {
    assert.deepEqual(await (await fetch(`${complete.url}/api/server`)).json(), { e2ee: true, operatorConfigured: true });
  } finally {
    await complete.close();
  }
});

test("/healthz says ok while the media server is up", async () => {
  const response = await fetch(`${server.url}/healthz`);
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { ok: true });
  assertSecurityHeaders(response, "/healthz");
});

test("static files are served, dot files and folders outside are not", async () => {
  const css = await fetch(`${server.url}/app.css`);
  assert.equal(css.status, 200);
  assertSecurityHeaders(css, "/app.css");
  for (const path of ["/.env", "/../package.json", "/%2e%2e/package.json", "/index.html/..%2f..%2fpackage.json"]) {
    const response = await fetch(server.url + path);
    assert.equal(response.status, 404, path);
  }
});

test("no source maps are served: the minified client is all a visitor gets", async () => {
  const script = await fetch(`${server.url}/app.js`);
  assert.equal(script.status, 200);
  assert.doesNotMatch(await script.text(), /sourceMappingURL/);
  for (const map of ["app.js.map", "e2ee-worker.js.map"]) {
    assert.equal((await fetch(`${server.url}/${map}`)).status, 404, map);
  }
});

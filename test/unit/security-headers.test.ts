import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { securityHeaders } from "../../src/server/security-headers.js";

/** The CSP's directives by name, e.g. { "script-src": "'self'" }. */
function directives(headers: Record<string, string>): Record<string, string> {
  const csp = headers["content-security-policy"];
  assert.ok(csp, "a Content-Security-Policy header");
  return Object.fromEntries(
    csp.split(";").map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name!, values.join(" ")];
    }),
  );
}

describe("securityHeaders", () => {
  const plain = securityHeaders({ frameAncestors: [], secure: false });

  test("the CSP allows only Treff's own origin for scripts, connections and everything else", () => {
    assert.deepEqual(directives(plain), {
      "default-src": "'self'",
      "script-src": "'self' 'wasm-unsafe-eval'",
      "style-src": "'self'",
      "img-src": "'self' data: blob:",
      "media-src": "'self' blob:",
      "font-src": "'self'",
      "connect-src": "'self'",
      "worker-src": "'self' blob:",
      "object-src": "'none'",
      "base-uri": "'none'",
      "form-action": "'self'",
      "frame-ancestors": "'none'",
    });
  });

  test("the CSP has no unsafe-inline, unsafe-eval or wildcard", () => {
    const csp = plain["content-security-policy"]!;
    assert.ok(!csp.includes("unsafe-inline"));
    // 'wasm-unsafe-eval' only lets WebAssembly compile (background effects, noise suppression); no JavaScript eval.
    assert.ok(!csp.replaceAll("'wasm-unsafe-eval'", "").includes("unsafe-eval"));
    assert.ok(!csp.includes("*"));
  });

  test("frame-ancestors lists the configured origins", () => {
    const headers = securityHeaders({ frameAncestors: ["https://intranet.example.org", "https://wiki.example.org"], secure: false });
    assert.equal(directives(headers)["frame-ancestors"], "https://intranet.example.org https://wiki.example.org");
  });

  test("the other headers, exactly", () => {
    const { "content-security-policy": _csp, ...others } = plain;
    assert.deepEqual(others, {
      "referrer-policy": "no-referrer",
      "permissions-policy": "camera=(self), microphone=(self), display-capture=(self), geolocation=(), payment=(), usb=()",
      "x-content-type-options": "nosniff",
      "cross-origin-opener-policy": "same-origin",
      "cross-origin-resource-policy": "same-origin",
    });
  });

  test("HSTS only over TLS", () => {
    assert.equal("strict-transport-security" in plain, false);
    const secure = securityHeaders({ frameAncestors: [], secure: true });
    assert.equal(secure["strict-transport-security"], "max-age=31536000");
  });
});

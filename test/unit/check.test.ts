/** The connectivity check's verdict from its two probes (src/client/check.ts). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { offersTurn, verdict } from "../../src/client/check.js";

test("connected over a non-relayed pair is direct, whatever the relay probe says", () => {
  assert.equal(verdict({ connected: true, candidateType: "host" }, undefined), "direct");
  assert.equal(verdict({ connected: true, candidateType: "prflx" }, { connected: false }), "direct");
});

test("the normal probe connecting through the relay means relay-only, as does the relay probe alone", () => {
  assert.equal(verdict({ connected: true, candidateType: "relay" }, undefined), "relay-only");
  assert.equal(verdict({ connected: false }, { connected: true, candidateType: "relay" }), "relay-only");
});

test("nothing connected is none", () => {
  assert.equal(verdict({ connected: false }, undefined), "none");
  assert.equal(verdict({ connected: false }, { connected: false }), "none");
});

test("only turn: and turns: URLs count as a relay", () => {
  assert.equal(offersTurn([]), false);
  assert.equal(offersTurn([{ urls: ["stun:stun.example.org"] }]), false);
  assert.equal(offersTurn([{ urls: ["stun:a.example"] }, { urls: ["turns:t.example:443?transport=tcp"], username: "u", credential: "c" }]), true);
});

/**
 * Which of a browser's ICE candidates reach the media server
 * (src/media/candidates.ts): genuine unicast addresses on ephemeral ports
 * pass; mDNS names, loopback (unless the tests' media needs it),
 * link-local, unspecified, multicast and privileged ports are dropped, in
 * trickled candidates and in an SDP's `a=candidate` lines alike.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { acceptableCandidate, filterSdpCandidates } from "../../src/media/candidates.js";

const strict = { allowLoopback: false };
const loopbackAllowed = { allowLoopback: true };

/** A host candidate line as Chromium writes it, for `address` and `port`. */
const host = (address: string, port = 54321, transport = "udp") =>
  `candidate:842163049 1 ${transport} 2122260223 ${address} ${port} typ host generation 0 ufrag abcd network-id 1`;

test("candidates: a browser's genuine host, srflx and relay candidates pass", () => {
  for (const candidate of [
    host("192.0.2.10"),
    host("10.1.2.3"), // a private address is what a browser on a LAN genuinely has
    host("2001:db8::1"),
    host("198.51.100.7", 9, "tcp").replace(" 9 typ", " 1024 typ"),
    "candidate:1 1 udp 1686052607 203.0.113.5 61234 typ srflx raddr 10.0.0.2 rport 61234 generation 0",
    "candidate:2 1 udp 41885439 203.0.113.9 3478 typ relay raddr 203.0.113.5 rport 61234 generation 0",
    `a=${host("192.0.2.10")}`,
  ]) {
    assert.ok(acceptableCandidate(candidate, strict), candidate);
  }
  assert.ok(acceptableCandidate("", strict), "end of candidates");
});

test("candidates: mDNS names and every other name are dropped (the media server must not resolve them)", () => {
  for (const name of ["0f5e1c2a-4b6d-4e8f-9a0b-1c2d3e4f5a6b.local", "printer.local", "intranet.example.org", "localhost"]) {
    assert.equal(acceptableCandidate(host(name), strict), false, name);
    assert.equal(acceptableCandidate(host(name), loopbackAllowed), false, `${name}, even with loopback allowed`);
  }
});

test("candidates: loopback is dropped unless allowed; link-local, unspecified, multicast and broadcast always", () => {
  for (const address of ["127.0.0.1", "127.0.0.2", "::1", "::ffff:127.0.0.1"]) {
    assert.equal(acceptableCandidate(host(address), strict), false, address);
    assert.ok(acceptableCandidate(host(address), loopbackAllowed), `${address} with loopback allowed (the tests' media)`);
  }
  for (const address of ["169.254.1.1", "fe80::1", "fe80::1%eth0", "FEBF::1", "0.0.0.0", "0.1.2.3", "::", "224.0.0.251", "239.255.255.250", "255.255.255.255", "ff02::fb", "::ffff:169.254.0.1"]) {
    assert.equal(acceptableCandidate(host(address), loopbackAllowed), false, address);
  }
});

test("candidates: another spelling of a loopback or link-local address is dropped too", () => {
  // Each is ::1, 127.0.0.1 or 169.254.1.1 written so that a string comparison would miss it.
  for (const address of ["0:0:0:0:0:0:0:1", "0::1", "::0:1", "::ffff:7f00:1", "::FFFF:127.0.0.1", "::ffff:0:7f00:1", "::127.0.0.1"]) {
    assert.equal(acceptableCandidate(host(address), strict), false, address);
  }
  for (const address of ["::ffff:a9fe:101", "0:0:0:0:0:0:0:0", "FE80:0:0::1"]) {
    assert.equal(acceptableCandidate(host(address), loopbackAllowed), false, address);
  }
  assert.ok(acceptableCandidate(host("::ffff:c000:20a"), strict), "::ffff:192.0.2.10 is an ordinary address");
});

test("candidates: privileged ports (below 1024) and impossible ports are dropped", () => {
  for (const port of [0, 22, 53, 443, 1023, 65536]) {
    assert.equal(acceptableCandidate(host("192.0.2.10", port), strict), false, `port ${port}`);
  }
  assert.ok(acceptableCandidate(host("192.0.2.10", 1024), strict));
  assert.ok(acceptableCandidate(host("192.0.2.10", 65535), strict));
});

test("candidates: a line that is not a candidate is dropped", () => {
  for (const junk of ["candidate:", "nonsense", "candidate:1 1 udp 1 192.0.2.1 5000 host", "candidate:1 1 udp 1 192.0.2.1 port typ host"]) {
    assert.equal(acceptableCandidate(junk, strict), false, junk);
  }
});

test("candidates: an SDP keeps its other lines and good candidates, and loses the bad ones", () => {
  const sdp = [
    "v=0",
    "m=audio 9 UDP/TLS/RTP/SAVPF 111",
    "a=mid:0",
    `a=${host("192.0.2.10")}`,
    `a=${host("abcd.local")}`,
    `a=${host("169.254.9.9")}`,
    `a=${host("127.0.0.1")}`,
    `a=${host("192.0.2.10", 80)}`,
    `a=${host("2001:db8::2")}`,
    "a=end-of-candidates",
    "",
  ].join("\r\n");
  const filtered = filterSdpCandidates(sdp, strict);
  assert.deepEqual(filtered.split("\r\n"), [
    "v=0",
    "m=audio 9 UDP/TLS/RTP/SAVPF 111",
    "a=mid:0",
    `a=${host("192.0.2.10")}`,
    `a=${host("2001:db8::2")}`,
    "a=end-of-candidates",
    "",
  ]);
  assert.match(filterSdpCandidates(sdp, loopbackAllowed), /127\.0\.0\.1/, "loopback stays where allowed");
  assert.equal(filterSdpCandidates("v=0\nm=audio 9 RTP 0\n", strict), "v=0\nm=audio 9 RTP 0\n", "LF-only SDP keeps its lines");
});

/**
 * A hand-written WebRTC offer, so the integration tests can publish to the
 * real Janus without a browser: one Opus audio and one VP8 video section,
 * both send-only and bundled, with fresh ICE credentials and a made-up DTLS
 * fingerprint. Janus answers it; ICE never completes (nobody is behind the
 * candidates), which is all the signaling paths need.
 */
import { randomBytes, randomInt } from "node:crypto";

export function publisherOffer(): string {
  const ufrag = randomBytes(6).toString("base64url");
  const pwd = randomBytes(18).toString("base64url");
  const fingerprint = [...randomBytes(32)].map((b) => b.toString(16).padStart(2, "0").toUpperCase()).join(":");
  const cname = randomBytes(8).toString("base64url");
  const section = (kind: "audio" | "video", mid: string, payload: number, codec: string[]) => [
    `m=${kind} 9 UDP/TLS/RTP/SAVPF ${payload}`,
    "c=IN IP4 0.0.0.0",
    "a=rtcp:9 IN IP4 0.0.0.0",
    `a=ice-ufrag:${ufrag}`,
    `a=ice-pwd:${pwd}`,
    "a=ice-options:trickle",
    `a=fingerprint:sha-256 ${fingerprint}`,
    "a=setup:actpass",
    `a=mid:${mid}`,
    "a=sendonly",
    "a=rtcp-mux",
    ...codec,
    `a=ssrc:${randomInt(1, 2 ** 31)} cname:${cname}`,
  ];
  return [
    "v=0",
    `o=- ${randomInt(1, 2 ** 47)} 2 IN IP4 127.0.0.1`,
    "s=-",
    "t=0 0",
    "a=group:BUNDLE 0 1",
    "a=msid-semantic: WMS",
    ...section("audio", "0", 111, ["a=rtpmap:111 opus/48000/2", "a=fmtp:111 minptime=10;useinbandfec=1"]),
    ...section("video", "1", 96, [
      "a=rtpmap:96 VP8/90000",
      "a=rtcp-fb:96 nack",
      "a=rtcp-fb:96 nack pli",
      "a=rtcp-fb:96 ccm fir",
      "a=rtcp-fb:96 goog-remb",
    ]),
    "",
  ].join("\r\n");
}

/**
 * The TURN relay is no open proxy: a real coturn, configured with the peer
 * rules docs/operations.md gives operators (test/helpers/coturn.ts reads
 * them from there), relays to the media server's address and refuses every
 * other peer. The TURN client is werift's (a dev dependency already): it
 * allocates with Treff's own ephemeral credential, then asks for
 * permissions (CreatePermission) and channels (ChannelBind).
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createSocket, type Socket } from "node:dgram";
import { TurnProtocol, UdpTransport } from "werift";
import { relayAddress, startCoturn, type Coturn } from "../helpers/coturn.js";
import { turnCredential } from "../../src/server/turn.js";

let coturn: Coturn;
let turn: TurnProtocol;
/** Janus' address in the tests (127.0.0.2 on treff0): the one peer coturn may relay to. */
const media = relayAddress();

before(async () => {
  coturn = await startCoturn();
  const { username, credential } = turnCredential(coturn.secret, 600, Date.now());
  turn = new TurnProtocol(["127.0.0.1", coturn.port], username, credential, 600, await UdpTransport.init("udp4"));
  // werift's refresh loop sleeps on a timer that close() does not clear; these tests take seconds.
  (turn as unknown as { refresh: () => void }).refresh = () => {};
  await turn.connectionMade(); // Allocate
});

after(async () => {
  await turn?.close();
  await coturn?.stop();
});

/** The STUN error code of a refused TURN request (werift throws the error response). */
async function refusal(request: Promise<unknown>): Promise<number | undefined> {
  try {
    await request;
    return undefined;
  } catch (error) {
    const response = (error as { response?: { getAttributeValue(name: string): [number, string] | undefined } }).response;
    return response?.getAttributeValue("ERROR-CODE")?.[0];
  }
}

test("coturn, configured as docs/operations.md says, relays to the media server's address", async () => {
  const janus: Socket = createSocket("udp4");
  try {
    await new Promise<void>((resolve) => janus.bind(0, media, resolve));
    const received = new Promise<Buffer>((resolve) => janus.once("message", resolve));
    await turn.getPermission([media, janus.address().port]);
    await turn.sendData(Buffer.from("hello, media server"), [media, janus.address().port]);
    assert.equal((await received).toString(), "hello, media server");
  } finally {
    janus.close();
  }
});

test("coturn refuses permissions and channels to every other address (403): private, loopback, link-local, public", async () => {
  const others = [
    "127.0.0.1", // the TURN machine's own services
    "10.1.2.3",
    "172.16.5.4",
    "192.168.1.1",
    "100.64.0.1", // carrier-grade NAT
    "169.254.169.254", // cloud metadata service
    "0.1.2.3",
    "198.51.100.7", // any public address but Janus'
    "224.0.0.251", // multicast
  ];
  for (const address of others) {
    assert.equal(await refusal(turn.getPermission([address, 5000])), 403, `CreatePermission for ${address}`);
  }
  assert.equal(await refusal(turn.getChannel(["10.1.2.3", 5000])), 403, "ChannelBind for 10.1.2.3");
  assert.equal(await refusal(turn.getChannel([media, 5001])), undefined, "ChannelBind for the media server");
  assert.ok(!coturn.logLines.some((line) => /error|wrong|bad/i.test(line) && /peer-ip/.test(line)), "coturn took every peer rule");
});

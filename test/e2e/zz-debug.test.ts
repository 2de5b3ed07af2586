import { test } from "node:test";
import { joinFromPrejoin, launchBrowser, newParticipant, playingRemoteNames } from "../helpers/browser.js";
import { startCoturn } from "../helpers/coturn.js";
import { forceRelayOnly } from "../helpers/relay.js";
import { startTestServer, testMediaInterface } from "../helpers/server.js";
test("debug", async () => {
  const coturn = await startCoturn();
  const server = await startTestServer({ logLevel: "debug", config: { janus: { iceInterfaces: testMediaInterface() }, meetings: { lobby: false }, turn: { secret: coturn.secret, urls: coturn.urls } } });
  const browser = await launchBrowser();
  const room = `${server.url}/r/dbg`;
  const a = await newParticipant(browser); const b = await newParticipant(browser);
  if (process.env.RELAY) await forceRelayOnly(b.context);
  a.page.on("console", (m) => console.log("A:", m.text()));
  b.page.on("console", (m) => console.log("B:", m.text()));
  await a.page.goto(room); await joinFromPrejoin(a.page, "A");
  await b.page.goto(room); await joinFromPrejoin(b.page, "B");
  await new Promise((r) => setTimeout(r, 12000));
  for (const [n, p] of [["A", a], ["B", b]] as const) {
    console.log(n, await playingRemoteNames(p.page));
    console.log(n, JSON.stringify(await p.page.evaluate(async () => {
      const out: unknown[] = [];
      for (const pc of (window as any).__treffPeerConnections) {
        const st = await pc.getStats(); const c: unknown[] = [];
        st.forEach((r: any) => { if (r.type === "local-candidate" || r.type === "remote-candidate") c.push([r.type, r.candidateType, r.address, r.port, r.protocol]); if (r.type === "candidate-pair") c.push(["pair", r.state, r.nominated]); });
        out.push({ conf: pc.getConfiguration().iceTransportPolicy, servers: pc.getConfiguration().iceServers, cs: pc.connectionState, ice: pc.iceConnectionState, c });
      }
      return out;
    })));
    await p.page.screenshot({ path: `test-output/dbg-${n}.png` });
  }
  console.log(coturn.logLines.slice(-40).join("\n"));
  console.log(server.logLines.filter((l) => /warn|error|ICE|ice/i.test(l)).slice(-30).join("\n"));
  await browser.close(); await server.close(); await coturn.stop();
});

/**
 * Test-only browser instrumentation for TURN: make a participant's peer
 * connections relay-only, as behind a firewall that lets nothing but the
 * TURN server through, and read which kind of candidate each one uses.
 */
import type { BrowserContext, Page } from "playwright-core";
import { selectedPairs } from "./browser.js";

/**
 * Every RTCPeerConnection made in this context from now on (next navigation)
 * gathers and uses relay candidates only, whatever the page asks for.
 */
export async function forceRelayOnly(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const Original = window.RTCPeerConnection;
    window.RTCPeerConnection = class extends Original {
      constructor(config?: RTCConfiguration) {
        super({ ...config, iceTransportPolicy: "relay" });
      }
      override setConfiguration(config?: RTCConfiguration): void {
        super.setConfiguration({ ...config, iceTransportPolicy: "relay" });
      }
    } as typeof RTCPeerConnection;
  });
}

/**
 * The local candidate type ("host", "srflx", "prflx", "relay") of the pair
 * every open peer connection uses now (see selectedPairs).
 */
export async function selectedLocalCandidateTypes(page: Page): Promise<string[]> {
  return (await selectedPairs(page)).map((p) => p.localType);
}

/**
 * Test-only browser instrumentation for TURN: make a participant's peer
 * connections relay-only, as behind a firewall that lets nothing but the
 * TURN server through, and read which kind of candidate each one uses.
 */
import type { BrowserContext, Page } from "playwright-core";

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
 * every open peer connection uses now (its transport's selected pair; an
 * earlier nominated pair that ICE has moved away from does not count).
 * Needs the peer-connection list newParticipant() keeps.
 */
export async function selectedLocalCandidateTypes(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const w = window as unknown as { __treffPeerConnections?: RTCPeerConnection[] };
    const types: string[] = [];
    for (const pc of w.__treffPeerConnections ?? []) {
      if (pc.connectionState === "closed") continue;
      const stats = await pc.getStats();
      stats.forEach((r: { type: string; selectedCandidatePairId?: string }) => {
        if (r.type !== "transport" || !r.selectedCandidatePairId) return;
        const pair = stats.get(r.selectedCandidatePairId) as { localCandidateId?: string } | undefined;
        types.push((stats.get(pair?.localCandidateId ?? "") as { candidateType?: string } | undefined)?.candidateType ?? "?");
      });
    }
    return types;
  });
}

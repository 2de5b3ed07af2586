/**
 * The connectivity check (the page is ui/check.ts): does this browser reach
 * the media server directly, only through the TURN relay, or not at all?
 *
 * Each probe is a real peer connection to Janus, set up over its own
 * signaling connection with `probe` (docs/protocol.md): first with normal
 * ICE, then relay-only when the server offers TURN. A probe sends an audio
 * transceiver without a track, so no camera or microphone permission is
 * asked for; "connected" within PROBE_TIMEOUT_MS counts as reaching it.
 * No DOM code here.
 */
import type { IceServer } from "../protocol/messages.js";
import { SignalingClient } from "./signaling.js";

/** How long a probe may take to connect once the media server answered. */
const PROBE_TIMEOUT_MS = 10_000;
/** Gathering normally ends in well under a second; an unanswering TURN server must not stall the check. */
const GATHERING_TIMEOUT_MS = 5_000;
const WELCOME_TIMEOUT_MS = 10_000;

export type ProbeStatus = "waiting" | "running" | "works" | "fails" | "not-offered";
export type Verdict = "direct" | "relay-only" | "none";
/** Why the check could not give a verdict: no signaling connection, or the server refused the probe. */
export type CheckProblem = "server-unreachable" | "server-refused";

export interface CheckState {
  running: boolean;
  direct: ProbeStatus;
  relay: ProbeStatus;
  verdict?: Verdict;
  problem?: CheckProblem;
}

export interface ProbeOutcome {
  connected: boolean;
  /** The selected pair's local candidate type ("host", "srflx", "prflx", "relay"), when connected. */
  candidateType?: string;
}

export const initialCheckState: CheckState = { running: false, direct: "waiting", relay: "waiting" };

/**
 * Direct means connected over a pair that is not relayed: the "direct" probe
 * gets the TURN server too (as meetings do), and ICE picks a relay only when
 * nothing else works.
 */
export function verdict(direct: ProbeOutcome, relay: ProbeOutcome | undefined): Verdict {
  if (direct.connected && direct.candidateType !== "relay") return "direct";
  if (direct.connected || relay?.connected) return "relay-only";
  return "none";
}

export function offersTurn(iceServers: readonly IceServer[]): boolean {
  return iceServers.some((server) => server.urls.some((url) => /^turns?:/i.test(url)));
}

class CheckError extends Error {
  constructor(readonly problem: CheckProblem) {
    super(problem);
  }
}

/** Runs both probes one after the other, reporting every step through `onChange`. */
export async function runCheck(onChange: (state: CheckState) => void): Promise<CheckState> {
  let state: CheckState = { ...initialCheckState, running: true, direct: "running" };
  const report = (next: Partial<CheckState>) => onChange((state = { ...state, ...next }));
  report({});
  try {
    const direct = await probe("all");
    report({ direct: direct.outcome.connected && direct.outcome.candidateType !== "relay" ? "works" : "fails" });
    let relay: ProbeOutcome | undefined;
    if (offersTurn(direct.iceServers)) {
      report({ relay: "running" });
      relay = (await probe("relay")).outcome;
      report({ relay: relay.connected ? "works" : "fails" });
    } else {
      report({ relay: "not-offered" });
    }
    report({ running: false, verdict: verdict(direct.outcome, relay) });
  } catch (error) {
    const problem = error instanceof CheckError ? error.problem : "server-refused";
    const stop = (s: ProbeStatus): ProbeStatus => (s === "running" ? "waiting" : s);
    report({ running: false, problem, direct: stop(state.direct), relay: stop(state.relay) });
  }
  return state;
}

/** One test connection to the media server, on its own signaling connection. */
async function probe(policy: RTCIceTransportPolicy): Promise<{ iceServers: IceServer[]; outcome: ProbeOutcome }> {
  const session = await openSession();
  const pc = new RTCPeerConnection({ iceServers: session.iceServers, iceTransportPolicy: policy, bundlePolicy: "max-bundle" });
  try {
    if (policy === "relay" && !offersTurn(session.iceServers)) return { iceServers: session.iceServers, outcome: { connected: false } };
    pc.addTransceiver("audio", { direction: "sendonly" });
    await pc.setLocalDescription(await pc.createOffer());
    // Every candidate goes in the offer: the probe has no trickle.
    await gatheringComplete(pc);
    const offer = pc.localDescription!.sdp;
    if (!/\na=candidate:/.test(offer)) {
      // No address to connect from (relay-only and the TURN server gave none): no need to wait.
      return { iceServers: session.iceServers, outcome: { connected: false } };
    }
    await pc.setRemoteDescription({ type: "answer", sdp: await session.probe(offer) });
    const connected = await connectedWithin(pc, PROBE_TIMEOUT_MS);
    const candidateType = connected ? await selectedLocalCandidateType(pc) : undefined;
    return { iceServers: session.iceServers, outcome: { connected, ...(candidateType ? { candidateType } : {}) } };
  } finally {
    pc.close();
    session.close();
  }
}

interface Session {
  iceServers: IceServer[];
  /** Sends the offer, resolves with the media server's answer. */
  probe(offerSdp: string): Promise<string>;
  close(): void;
}

/**
 * Opens a signaling connection, waits for `welcome` and asks for the servers to test with
 * (`probeServers`: TURN credentials only for a check). One attempt: a check does not retry
 * behind the person's back.
 */
function openSession(): Promise<Session> {
  return new Promise((resolve, reject) => {
    let answer: { resolve(sdp: string): void; reject(error: Error): void } | undefined;
    const timer = window.setTimeout(() => fail("server-unreachable"), WELCOME_TIMEOUT_MS);
    const fail = (problem: CheckProblem) => {
      window.clearTimeout(timer);
      signaling.stop();
      reject(new CheckError(problem));
      answer?.reject(new CheckError(problem));
    };
    const signaling = new SignalingClient({ open: () => {}, close: () => fail("server-unreachable") });
    signaling.on("welcome", () => signaling.send({ type: "probeServers" }));
    signaling.on("probeServers", (message) => {
      window.clearTimeout(timer);
      resolve({
        iceServers: message.iceServers,
        probe: (sdp) =>
          new Promise((resolveAnswer, rejectAnswer) => {
            answer = { resolve: resolveAnswer, reject: rejectAnswer };
            signaling.send({ type: "probe", sdp });
          }),
        close: () => signaling.stop(),
      });
    });
    signaling.on("probeAnswer", (message) => answer?.resolve(message.sdp));
    signaling.on("error", (message) => {
      if (message.inReplyTo === "probe" || message.inReplyTo === "probeServers") fail("server-refused");
    });
    signaling.connect();
  });
}

function gatheringComplete(pc: RTCPeerConnection): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      if (pc.iceGatheringState !== "complete") return;
      window.clearTimeout(timer);
      resolve();
    };
    const timer = window.setTimeout(resolve, GATHERING_TIMEOUT_MS);
    pc.addEventListener("icegatheringstatechange", done);
    done();
  });
}

/** True once the connection (ICE and DTLS) is up; false if it fails or the time runs out. */
function connectedWithin(pc: RTCPeerConnection, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = window.setTimeout(() => resolve(false), ms);
    const check = () => {
      const state = pc.connectionState;
      if (state !== "connected" && state !== "failed" && state !== "closed") return;
      window.clearTimeout(timer);
      resolve(state === "connected");
    };
    pc.addEventListener("connectionstatechange", check);
    check();
  });
}

/** The candidate type this browser's end of the selected pair has. */
async function selectedLocalCandidateType(pc: RTCPeerConnection): Promise<string | undefined> {
  const stats = await pc.getStats();
  let pair: { localCandidateId?: string } | undefined;
  stats.forEach((report: { type: string; selectedCandidatePairId?: string }) => {
    if (report.type === "transport" && report.selectedCandidatePairId) pair = stats.get(report.selectedCandidatePairId);
  });
  // Browsers without the transport's selectedCandidatePairId (Firefox) mark the pair itself.
  stats.forEach((report: { type: string; selected?: boolean; nominated?: boolean; state?: string; localCandidateId?: string }) => {
    if (!pair && report.type === "candidate-pair" && (report.selected || (report.nominated && report.state === "succeeded"))) pair = report;
  });
  return pair?.localCandidateId ? (stats.get(pair.localCandidateId) as { candidateType?: string } | undefined)?.candidateType : undefined;
}

/**
 * The one subscriber peer connection that receives everyone else's audio
 * and video. The media server offers, we answer; every offer says which
 * mid carries whose stream, and the tracks are handed out by participant.
 */
import type { IceCandidate, ParticipantId, SubscribedStream } from "../../protocol/messages.js";
import type { E2eeSession } from "../e2ee/session.js";

export interface RemoteTracks {
  audio?: MediaStreamTrack;
  video?: MediaStreamTrack;
  /** The participant's shared screen. */
  screen?: MediaStreamTrack;
}

export class Subscriber {
  readonly pc: RTCPeerConnection;
  /** Serialises negotiations: an offer is applied only after the previous one finished. */
  private negotiation: Promise<void> = Promise.resolve();
  /** Receivers that decrypt already (a transceiver keeps its receiver across offers). */
  private readonly decrypting = new WeakSet<RTCRtpReceiver>();

  constructor(
    iceServers: RTCIceServer[],
    onCandidate: (candidate: IceCandidate | null) => void,
    private readonly onTracks: (tracks: Map<ParticipantId, RemoteTracks>) => void,
    /** With it, every frame is decrypted before it is decoded. */
    private readonly e2ee?: E2eeSession,
  ) {
    // A candidate pool gathers local candidates as soon as the connection exists, so the
    // first answer does not wait for gathering (the client creates it before joining).
    this.pc = new RTCPeerConnection({ iceServers, bundlePolicy: "max-bundle", rtcpMuxPolicy: "require", iceCandidatePoolSize: 1 });
    this.pc.onicecandidate = (event) => onCandidate(event.candidate ? event.candidate.toJSON() as IceCandidate : null);
  }

  /**
   * Applies an offer and hands the answer to `sendAnswer` — before the tiles get their
   * tracks, so the answer leaves without waiting for any drawing.
   */
  handleOffer(sdp: string, streams: SubscribedStream[], sendAnswer: (answerSdp: string) => void): Promise<void> {
    const run = this.negotiation.then(async () => {
      // The worker learns whose stream each mid carries before any of it can arrive.
      this.e2ee?.streams(streams);
      await this.pc.setRemoteDescription({ type: "offer", sdp });
      if (this.e2ee) this.decryptNewReceivers(this.e2ee);
      const answer = await this.pc.createAnswer();
      await this.pc.setLocalDescription(answer);
      // With the candidate pool, the local description already lists candidates: Janus can check at once.
      sendAnswer(this.pc.localDescription?.sdp ?? answer.sdp ?? "");
      this.onTracks(this.tracksByParticipant(streams));
    });
    this.negotiation = run.then(() => undefined, () => undefined);
    return run;
  }

  private decryptNewReceivers(e2ee: E2eeSession): void {
    for (const { mid, receiver } of this.pc.getTransceivers()) {
      if (mid === null || this.decrypting.has(receiver)) continue;
      e2ee.attachReceiver(receiver, receiver.track.kind as "audio" | "video", mid);
      this.decrypting.add(receiver);
    }
  }

  /** Receivers of one participant's audio, for the speaking indicator. */
  audioReceivers(): RTCRtpReceiver[] {
    return this.pc.getReceivers().filter((r) => r.track.kind === "audio");
  }

  close(): void {
    this.pc.onicecandidate = null;
    this.pc.close();
  }

  private tracksByParticipant(streams: SubscribedStream[]): Map<ParticipantId, RemoteTracks> {
    const byMid = new Map(this.pc.getTransceivers().map((t) => [t.mid, t] as const));
    const result = new Map<ParticipantId, RemoteTracks>();
    for (const stream of streams) {
      const transceiver = byMid.get(stream.mid);
      if (!transceiver) continue;
      const entry = result.get(stream.participantId) ?? {};
      entry[stream.source === "screen" ? "screen" : stream.kind] = transceiver.receiver.track;
      result.set(stream.participantId, entry);
    }
    return result;
  }
}

/**
 * This participant's screen share: a screen, window or tab captured with
 * getDisplayMedia and sent on its own publisher peer connection.
 */
import { Publisher } from "../rtc/publisher.js";
import type { PublisherContext } from "./camera.js";

/** Whether this browser can share a screen at all (phone browsers cannot). */
export function canShareScreen(): boolean {
  return typeof navigator !== "undefined" && typeof navigator.mediaDevices?.getDisplayMedia === "function";
}

export class ScreenShare {
  private share: { publisher: Publisher; stream: MediaStream } | undefined;

  /** `ended`: the browser's own "stop sharing" was used. */
  constructor(
    private readonly context: PublisherContext,
    private readonly ended: () => void,
  ) {}

  get active(): boolean {
    return this.share !== undefined;
  }

  /**
   * Asks the browser for a screen (its own dialog lets the person pick) and
   * sends the offer. Resolves false if they cancelled or nothing can be shared.
   */
  async start(): Promise<boolean> {
    if (this.share || !navigator.mediaDevices?.getDisplayMedia) return false;
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { ideal: 15 } }, audio: false });
    } catch {
      return false; // cancelled or not allowed
    }
    const publisher = new Publisher(this.context.iceServers(), stream, (candidate) => this.context.send({ type: "trickle", target: "screen", candidate }), "screen", this.context.e2ee());
    this.share = { publisher, stream };
    // The browser's own "stop sharing" ends it too.
    stream.getVideoTracks()[0]?.addEventListener("ended", this.ended);
    await publisher.createOffer();
    this.context.send({ type: "publishScreen", sdp: publisher.offerSdp() });
    void publisher.start(this.context.iceServers());
    return true;
  }

  acceptAnswer(sdp: string): void {
    void this.share?.publisher.acceptAnswer(sdp);
  }

  /** Stops the capture and its peer connection; false if nothing was shared. */
  end(): boolean {
    const share = this.share;
    if (!share) return false;
    this.share = undefined;
    for (const track of share.stream.getTracks()) track.stop();
    share.publisher.close();
    return true;
  }
}

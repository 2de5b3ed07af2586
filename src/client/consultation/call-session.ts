/**
 * One side's part in consultation calls: on `consultConnect` it opens the direct connection and
 * shows the call screen; signals go to the call; `consultEnded` or "end call" closes it.
 */
import type { ServerMessageOf } from "../../protocol/messages.js";
import type { SignalingClient } from "../signaling.js";
import { callView } from "./call-view.js";
import { DirectCall } from "./direct-call.js";

export class CallSession {
  private call: DirectCall | undefined;
  /** Signals that arrive while the call is still being set up (camera opening): replayed in order. */
  private early: ServerMessageOf<"consultSignal">[] = [];

  constructor(
    private readonly signaling: SignalingClient,
    private readonly show: (screen: HTMLElement) => void,
  ) {
    signaling.on("consultSignal", (message) => (this.call ? this.call.signal(message) : this.early.push(message)));
  }

  get active(): boolean {
    return this.call !== undefined;
  }

  begin(message: ServerMessageOf<"consultConnect">, local: MediaStream): void {
    this.end();
    const send = this.signaling.send.bind(this.signaling);
    const view = callView(local, () => this.call, () => send({ type: "consultHangUp" }));
    this.call = new DirectCall(send, local, message.iceServers, message.offerer, {
      remoteStream: (stream) => view.showRemote(stream),
      chat: (text) => view.showChat(text, false),
      lost: () => send({ type: "consultHangUp" }),
    });
    this.show(view.element);
    for (const message of this.early.splice(0)) this.call.signal(message);
    void this.call.start();
  }

  end(): void {
    this.early = [];
    this.call?.close();
    this.call = undefined;
  }
}

/** Camera and microphone, or whichever of them opens, or nothing. */
export async function openLocalMedia(): Promise<{ stream: MediaStream; ok: boolean }> {
  try {
    return { stream: await navigator.mediaDevices.getUserMedia({ audio: true, video: true }), ok: true };
  } catch {
    for (const kind of ["audio", "video"] as const) {
      try {
        return { stream: await navigator.mediaDevices.getUserMedia({ [kind]: true }), ok: false };
      } catch {
        // try the other one
      }
    }
    return { stream: new MediaStream(), ok: false };
  }
}

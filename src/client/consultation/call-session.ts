/**
 * One side's part in consultation calls: on `consultConnect` it exchanges identity keys with the
 * other browser (call-encryption.ts), opens the direct connection, encrypting end to end when both
 * browsers can, and shows the call screen; signals go to the call; `consultEnded` or "end call"
 * closes it.
 */
import type { ServerMessageOf } from "../../protocol/messages.js";
import { t } from "../i18n/index.js";
import { canShareScreen } from "../meeting/screen-share.js";
import type { SignalingClient } from "../signaling.js";
import { CallEncryption } from "./call-encryption.js";
import { callView, type CallView } from "./call-view.js";
import { DirectCall } from "./direct-call.js";

export class CallSession {
  private call: DirectCall | undefined;
  private keys: CallEncryption | undefined;
  private view: CallView | undefined;
  /** A screen this side shares in the call. */
  private screen: MediaStream | undefined;
  /** Signals and keys that arrive while the call is still being set up (camera opening, keys on their way): replayed in order. */
  private early: ServerMessageOf<"consultSignal">[] = [];
  private earlyKeys: ServerMessageOf<"consultKey">[] = [];

  constructor(
    private readonly signaling: SignalingClient,
    private readonly show: (screen: HTMLElement) => void,
  ) {
    signaling.on("consultSignal", (message) => (this.call ? this.call.signal(message) : this.early.push(message)));
    signaling.on("consultKey", (message) => (this.keys ? this.keys.receive(message) : this.earlyKeys.push(message)));
  }

  get active(): boolean {
    return this.keys !== undefined;
  }

  begin(message: ServerMessageOf<"consultConnect">, local: MediaStream): void {
    this.closeCall();
    const send = this.signaling.send.bind(this.signaling);
    const other = message.other || t(message.offerer ? "cPatient" : "cThem");
    const keys = new CallEncryption(message.offerer, other, send, () => this.view?.encryptionChanged());
    this.keys = keys;
    const view = callView(local, other, {
      sendChat: async (text) => !!this.call?.sendChat(await keys.sealChat(text)),
      hangUp: () => send({ type: "consultHangUp" }),
      toggleScreen: canShareScreen() ? () => this.toggleScreen() : undefined,
      encryption: () => this.keys,
    });
    this.view = view;
    this.show(view.element);
    for (const early of this.earlyKeys.splice(0)) keys.receive(early);
    // The connection is made once both know whether the call encrypts: every frame must go through the transform, or none.
    void keys.ready.then(() => {
      if (this.keys !== keys) return; // ended meanwhile
      this.call = new DirectCall(send, local, message.iceServers, message.offerer, {
        remote: (camera, screen) => view.showRemote(camera, screen),
        chat: (frame) => void keys.openChat(frame).then((text) => text !== undefined && view.showChat(text, false)),
        screen: (sharing) => view.screenShared(sharing),
        lost: () => send({ type: "consultHangUp" }),
      }, keys.frames);
      for (const signal of this.early.splice(0)) this.call.signal(signal);
      void this.call.start();
    });
  }

  end(): void {
    this.early = [];
    this.earlyKeys = [];
    this.closeCall();
  }

  /** Starts sharing a screen (the browser asks which), or stops; resolves to whether one is shared now. */
  private async toggleScreen(): Promise<boolean> {
    if (this.screen) {
      this.stopScreen();
      return false;
    }
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { ideal: 15 } }, audio: false });
    } catch {
      return false; // cancelled or not allowed
    }
    const track = stream.getVideoTracks()[0];
    if (!this.call || !track) {
      for (const t of stream.getTracks()) t.stop();
      return false;
    }
    this.screen = stream;
    // The browser's own "stop sharing" ends it too.
    track.addEventListener("ended", () => {
      if (this.screen !== stream) return;
      this.stopScreen();
      this.view?.myScreenEnded();
    });
    await this.call.shareScreen(track);
    return true;
  }

  private stopScreen(): void {
    for (const track of this.screen?.getTracks() ?? []) track.stop();
    this.screen = undefined;
    void this.call?.shareScreen(null).catch(() => {});
  }

  private closeCall(): void {
    for (const track of this.screen?.getTracks() ?? []) track.stop();
    this.screen = undefined;
    this.call?.close();
    this.call = undefined;
    this.keys?.close();
    this.keys = undefined;
    this.view = undefined;
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

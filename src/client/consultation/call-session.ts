/**
 * One side's part in consultation calls: on `consultConnect` it exchanges identity keys with the
 * other browser (call-encryption.ts), opens the direct connection, encrypting end to end when both
 * browsers can, and shows the call screen; signals go to the call; `consultEnded` or "end call"
 * closes it.
 *
 * A third person (`consultRoom`) moves the call to a media-server room (group-call.ts), make before
 * break: the room is joined behind the direct call, which closes once both sides' rooms play (each
 * tells the other over the direct call's data channel). When the third person leaves, a fresh
 * `consultConnect` builds the direct call behind the room, which is left once the direct call's
 * video plays. Both screens sit in one frame, so neither move redraws the page.
 */
import type { ServerMessageOf } from "../../protocol/messages.js";
import { t } from "../i18n/index.js";
import { canShareScreen } from "../meeting/screen-share.js";
import type { SignalingClient } from "../signaling.js";
import { h } from "../ui/dom.js";
import { CallEncryption } from "./call-encryption.js";
import { callView, type CallView } from "./call-view.js";
import { DirectCall } from "./direct-call.js";
import { GroupCall, PATIENCE_MS, videoPlays } from "./group-call.js";

interface Detached {
  call: DirectCall;
  keys: CallEncryption;
}

/** How long the connection being left keeps sending after this side moved: until the other side has moved too. */
const OVERLAP_MS = 3_000;

export class CallSession {
  private call: DirectCall | undefined;
  private keys: CallEncryption | undefined;
  private view: CallView | undefined;
  /** A screen this side shares in the call. */
  private screen: MediaStream | undefined;
  /** Signals and keys that arrive while the call is still being set up (camera opening, keys on their way): replayed in order. */
  private early: ServerMessageOf<"consultSignal">[] = [];
  private earlyKeys: ServerMessageOf<"consultKey">[] = [];
  /** The call with a third person, while there is one. */
  private group: GroupCall | undefined;
  /** What is shown during a call: the direct call's screen or the room's, and for a moment both (one behind). */
  private readonly frame = h("div", { class: "consult-frame" });
  private local: MediaStream | undefined;
  /** A room being left: the direct call is built behind it (a third person who left before the room showed must not bring it to the front). */
  private returningFrom: GroupCall | undefined;
  /** The other side said, over the current direct call, that its room plays; and who waits for that. */
  private otherInRoom = false;
  /** This page is the staff member's (the offerer of the direct call). */
  private staffSide = false;
  private wakeOnOtherInRoom: () => void = () => {};
  /** A direct call still showing while its successor is built behind it (see begin). */
  private previous: Detached | undefined;

  constructor(
    private readonly signaling: SignalingClient,
    private readonly show: (screen: HTMLElement) => void,
    /** The name this side has in a room with a third person. */
    private readonly name: () => string,
  ) {
    signaling.on("consultSignal", (message) => (this.call ? this.call.signal(message) : this.early.push(message)));
    signaling.on("consultKey", (message) => (this.keys ? this.keys.receive(message) : this.earlyKeys.push(message)));
    signaling.on("consultRoom", (message) => void this.toRoom(message));
    signaling.on("consultInvitation", (message) => this.view?.showInvitation(`${location.origin}/sprechstunde/gast#${message.token}`, message.expiresAt));
  }

  get active(): boolean {
    return this.keys !== undefined || this.group !== undefined;
  }

  begin(message: ServerMessageOf<"consultConnect">, local: MediaStream): void {
    // What shows now stays in front until the new call plays: the room (back from a third person),
    // or a direct call that still runs (the room never came up or has not shown yet, and the third
    // person left).
    const group = this.group;
    const previous = this.detachDirect();
    const behind = group !== undefined || previous !== undefined;
    this.returningFrom = group;
    this.otherInRoom = false;
    this.staffSide = message.offerer;
    this.local = local;
    // The room's switches carry over to the direct call.
    if (group) for (const track of local.getTracks()) track.enabled = track.kind === "audio" ? group.devices.audio : group.devices.video;
    const send = this.signaling.send.bind(this.signaling);
    const other = message.other || t(message.offerer ? "cPatient" : "cThem");
    const keys = new CallEncryption(message.offerer, other, send, () => this.view?.encryptionChanged());
    this.keys = keys;
    const view = callView(local, other, {
      sendChat: async (text) => !!this.call?.sendChat(await keys.sealChat(text)),
      hangUp: () => send({ type: "consultHangUp" }),
      toggleScreen: canShareScreen() ? () => this.toggleScreen() : undefined,
      encryption: () => this.keys,
      // Staff invite a third person (the room needs end-to-end encryption, so only a call that has it).
      invite: message.offerer ? () => send({ type: "consultInvite" }) : undefined,
    });
    this.view = view;
    if (behind) {
      view.silent(true);
      view.element.classList.add("behind");
      this.frame.append(view.element);
    } else {
      this.frame.replaceChildren(view.element);
      this.show(this.frame);
    }
    for (const early of this.earlyKeys.splice(0)) keys.receive(early);
    // The connection is made once both know whether the call encrypts: every frame must go through the transform, or none.
    void keys.ready.then(() => {
      if (this.keys !== keys) return; // ended meanwhile
      const call = new DirectCall(send, local, message.iceServers, message.offerer, {
        remote: (camera, screen) => {
          view.showRemote(camera, screen);
          if (behind) void this.bringForward(view, group, previous);
        },
        chat: (frame) => void keys.openChat(frame).then((text) => text !== undefined && view.showChat(text, false)),
        screen: (sharing) => view.screenShared(sharing),
        // A direct connection closed for a room with a third person is not a lost call.
        lost: () => this.call === call && !this.group && send({ type: "consultHangUp" }),
        inRoom: () => {
          if (this.call !== call) return;
          this.otherInRoom = true;
          this.wakeOnOtherInRoom();
        },
      }, keys.frames);
      this.call = call;
      for (const signal of this.early.splice(0)) this.call.signal(signal);
      void this.call.start();
    });
  }

  end(): void {
    this.early = [];
    this.earlyKeys = [];
    this.closeCall();
    this.closePrevious();
    this.group?.leave();
    this.group = undefined;
  }

  /** A third person arrived: join the room behind the direct call; once both sides' rooms play, the direct call ends. */
  private async toRoom(message: ServerMessageOf<"consultRoom">): Promise<void> {
    this.group?.leave();
    const hangUp = () => this.signaling.send({ type: "consultHangUp" });
    const group = new GroupCall(message.room, message.key, { leave: hangUp, ended: hangUp });
    this.group = group;
    this.frame.append(group.element);
    const tracks = this.local?.getTracks() ?? [];
    const on = (kind: string) => tracks.some((track) => track.kind === kind && track.enabled && track.readyState === "live");
    const stillWanted = () => this.group === group && this.returningFrom !== group; // not ended, no other room, the third person still there
    const playing = await group.start(this.name(), { audio: on("audio"), video: on("video") }, this.local);
    // Neither side leaves the direct call before both rooms play: else one side could be left with a
    // direct call whose other end is gone, and a room that never came up.
    const bothIn = playing && stillWanted() && (await this.bothInRoom());
    if (!stillWanted()) return;
    if (!bothIn) {
      // The room did not come up (the media server did not answer): the direct call simply goes on.
      this.group = undefined;
      group.leave();
      this.view?.problem(t("cThirdFailed"));
      // The third person may sit in the room alone: staff end their part (the two then get a fresh direct call).
      if (this.staffSide) this.signaling.send({ type: "consultRemoveGuest" });
      return;
    }
    // The room shows now; the direct call (off the page: its sound and picture stop) still sends a
    // moment longer, so that the other side keeps seeing us until it has swapped too.
    const previous = this.detachDirect();
    this.early = [];
    this.earlyKeys = [];
    this.frame.replaceChildren(group.element);
    group.show();
    window.setTimeout(() => this.previous === previous && this.closePrevious(), OVERLAP_MS);
  }

  /** Tells the other side over the direct call that this side's room plays; resolves once theirs does too (false after PATIENCE_MS). */
  private bothInRoom(): Promise<boolean> {
    this.call?.tellInRoom();
    if (this.otherInRoom) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = window.setTimeout(() => resolve(false), PATIENCE_MS);
      this.wakeOnOtherInRoom = () => {
        window.clearTimeout(timer);
        resolve(true);
      };
    });
  }

  /**
   * The new direct call's video plays: it shows, and what showed before goes (a moment later: off
   * the page it is silent, and it still sends until the other side has moved too, see toRoom).
   */
  private async bringForward(view: CallView, group: GroupCall | undefined, previous: Detached | undefined): Promise<void> {
    await videoPlays(view.element, "video.consult-remote", () => this.view === view);
    if (this.view !== view) return; // ended, or replaced
    if (this.group === group) this.group = undefined;
    view.silent(false);
    view.element.classList.remove("behind");
    this.frame.replaceChildren(view.element);
    window.setTimeout(() => {
      group?.leave();
      if (this.previous === previous) this.closePrevious();
    }, OVERLAP_MS);
  }

  /** Takes a direct call that plays off the session without closing it (it shows until its successor plays); else closes it. */
  private detachDirect(): Detached | undefined {
    const [call, keys, view] = [this.call, this.keys, this.view];
    if (!call || !keys || !view || call.connection.connectionState !== "connected") {
      this.closeCall();
      return undefined;
    }
    this.closePrevious();
    this.stopScreen();
    this.call = this.keys = this.view = undefined;
    this.previous = { call, keys };
    return this.previous;
  }

  private closePrevious(): void {
    this.previous?.call.close();
    this.previous?.keys.close();
    this.previous = undefined;
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

/**
 * This page's peer connections to the media server, as one unit: the camera
 * publisher (camera.ts), the receiver (receiver.ts) and a screen share
 * (screen-share.ts). The meeting says when they are prepared (pre-join),
 * connected (`joined` brings the ICE servers), moved to another room
 * (breakouts) and closed; devices stay open throughout.
 */
import type { LocalMedia } from "../media.js";
import { CameraPublisher, type PublisherContext } from "./camera.js";
import { Receiver, type ReceiverContext } from "./receiver.js";
import { ScreenShare } from "./screen-share.js";

export interface MediaLinksContext extends Omit<ReceiverContext, "iceServers"> {
  /** The screen share ended outside the page (the browser's "Stop sharing"). */
  screenEnded(): void;
}

export class MediaLinks {
  /** The current connection's ICE servers (TURN credentials come with `joined`). */
  private iceServers: RTCIceServer[] = [];
  readonly camera: CameraPublisher;
  readonly receiver: Receiver;
  readonly screen: ScreenShare;

  constructor(media: LocalMedia, context: MediaLinksContext) {
    const publisherContext: PublisherContext = { ...context, iceServers: () => this.iceServers };
    this.camera = new CameraPublisher(media, publisherContext);
    this.receiver = new Receiver({ ...publisherContext, showTracks: context.showTracks });
    this.screen = new ScreenShare(publisherContext, context.screenEnded);
  }

  /** On the pre-join screen: offers ready before "Join", so joining waits for no SDP work. */
  prepare(): void {
    this.camera.prepare();
    this.receiver.prepare();
  }

  /** `joined`: gathering may start. */
  connect(iceServers: RTCIceServer[]): void {
    this.iceServers = iceServers;
    this.camera.connect(iceServers);
    this.receiver.connect(iceServers);
  }

  /** This page moved to another room: the server moved its media there; publish and subscribe again. */
  moveRoom(): void {
    this.close();
    this.prepare();
    this.camera.connect(this.iceServers);
    void this.camera.start();
    this.receiver.forget();
  }

  close(): void {
    this.screen.end();
    this.camera.close();
    this.receiver.close();
  }
}

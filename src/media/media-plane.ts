/**
 * The media seam: everything the rest of Treff knows about the SFU.
 * The Janus implementation lives in ./janus/; meeting logic and signaling
 * only ever see these interfaces, never a Janus message.
 */
import type { EventEmitter } from "node:events";
import type { PeerConnectionRole, IceCandidate } from "../protocol/messages.js";

/** The media server failed or refused a request; the client may retry. */
export class MediaError extends Error {
  override name = "MediaError";
}

/** A request that makes no sense in the current state (e.g. an answer without an offer). */
export class OutOfOrderError extends Error {
  override name = "OutOfOrderError";
}

/** A participant's published media as the media server knows it. */
export type FeedId = number;

/** Simulcast layer: 0 smallest, 2 full size. */
export type Substream = 0 | 1 | 2;

/** One published stream a subscriber wants, and (for simulcast video) at which layer. */
export interface StreamWish {
  feed: FeedId;
  /** The stream's mid in the publisher's own peer connection. */
  mid: string;
  substream?: Substream;
}

/** One stream inside a subscriber peer connection. */
export interface SubscriptionStream {
  mid: string;
  feedId: FeedId;
  kind: "audio" | "video";
}

export type MediaPlaneEvents = {
  /** The media server went away: every room and participant is gone. */
  down: [];
  /** The media server is back; new rooms can be created. */
  up: [];
};

export interface MediaPlane extends EventEmitter<MediaPlaneEvents> {
  readonly available: boolean;
  createRoom(): Promise<MediaRoom>;
  close(): Promise<void>;
}

export interface MediaRoom {
  /** Adds a participant that may publish and subscribe. */
  join(): Promise<MediaParticipant>;
  /** Removes the room and everyone's media in it. Idempotent. */
  destroy(): Promise<void>;
}

export type MediaParticipantEvents = {
  /** A new offer for the subscriber peer connection; answer with answerSubscription. */
  subscriberOffer: [sdp: string, streams: SubscriptionStream[]];
  /** The publisher's peer connection is up: others can subscribe now. */
  publishing: [];
  /** The publisher's peer connection closed or failed. */
  publisherDown: [];
};

export interface MediaParticipant extends EventEmitter<MediaParticipantEvents> {
  readonly feedId: FeedId;
  /** The mids of what this participant publishes, by kind (known once `publish` was answered). */
  readonly mids: { audio?: string; video?: string };
  /** Answers a publisher offer. */
  publish(offerSdp: string): Promise<string>;
  /** Makes the subscription carry exactly these streams, at these layers (an empty list removes all). */
  subscribe(streams: readonly StreamWish[]): Promise<void>;
  answerSubscription(answerSdp: string): Promise<void>;
  trickle(target: PeerConnectionRole, candidate: IceCandidate | null): Promise<void>;
  /**
   * Makes the media server drop (`muted`) or forward again what this participant publishes of
   * one kind, whatever their client sends. No-op for a kind they do not publish.
   */
  mute(kind: "audio" | "video", muted: boolean): Promise<void>;
  /** Stops publishing and subscribing. Idempotent. */
  leave(): Promise<void>;
}

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
  /** Answers a publisher offer. */
  publish(offerSdp: string): Promise<string>;
  /** Makes the subscription carry exactly these feeds (an empty list removes all). */
  subscribe(feeds: readonly FeedId[]): Promise<void>;
  answerSubscription(answerSdp: string): Promise<void>;
  trickle(target: PeerConnectionRole, candidate: IceCandidate | null): Promise<void>;
  /** Stops publishing and subscribing. Idempotent. */
  leave(): Promise<void>;
}

/**
 * What the meeting controller (meeting.ts) tells the screen. The controller
 * holds no DOM; ui/meeting-view.ts implements this.
 */
import type { ErrorCode, LobbyEntry, Participant, ParticipantId, Reaction, ServerMessageOf } from "../protocol/messages.js";
import type { RemoteTracks } from "./rtc/subscriber.js";
import type { Quality } from "./rtc/quality.js";
import type { PeerState } from "./e2ee/session.js";

export type RoomState = Omit<ServerMessageOf<"roomState">, "type">;

/** A chat message as shown: `text` is null when it was sealed end to end and no key we hold opens it. */
export interface ChatLine {
  from: ParticipantId;
  name: string;
  at: number;
  text: string | null;
  /** It came unencrypted although this page encrypts: the server could have written it. */
  unsealed: boolean;
}

/** `replaced`: the same person joined from another tab; `refused`: the server closed us for good. */
export type MeetingStatus = "connecting" | "connected" | "reconnecting" | "left" | "replaced" | "refused";

export interface MeetingView {
  status(status: MeetingStatus): void;
  participants(self: Participant, others: Participant[]): void;
  remoteTracks(tracks: Map<ParticipantId, RemoteTracks>): void;
  speaking(id: ParticipantId | undefined): void;
  joined(participant: Participant): void;
  left(participant: Participant): void;
  /** This person waits in the lobby; `hostPresent`: a moderator is there to let them in. */
  lobby(hostPresent: boolean): void;
  /** For moderators: who waits in the lobby now. */
  lobbyList(waiting: LobbyEntry[]): void;
  roomState(state: RoomState): void;
  chat(message: ChatLine): void;
  /**
   * How each other participant's media and chat reach us (end-to-end encrypted or not; empty when
   * this page does not encrypt). Follows every `participants`.
   */
  encryption(states: Map<ParticipantId, PeerState>): void;
  reaction(from: Participant, reaction: Reaction): void;
  /** How well each remote participant's video arrives. */
  quality(ratings: Map<ParticipantId, Quality>): void;
  /** The join was refused for a reason the person can act on (password, locked). */
  joinProblem(code: ErrorCode): void;
  /** The server ended this person's part in the meeting for good. */
  farewell(reason: ServerMessageOf<"farewell">["reason"]): void;
  /** Someone else is sharing already: only one share at a time. */
  screenBusy(): void;
  /** Microphone or camera changed without the person's click (a moderator muted them). */
  controlsChanged(): void;
}

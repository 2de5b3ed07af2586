/**
 * The two sides of the meeting screen's contract: what the meeting
 * controller (meeting/meeting.ts) tells the screen (`MeetingView`, which
 * ui/meeting-view.ts implements), and what the screen may ask of the
 * meeting (`MeetingControls`, which meeting/meeting.ts implements). The
 * controller holds no DOM; the screen never sees signaling or peer connections.
 */
import type { BreakoutId, ErrorCode, LobbyEntry, ModeratorAction, ModeratorActionForAll, NewcomerDefaults, Participant, ParticipantId, Reaction, ServerMessageOf, VideoQuality } from "../protocol/messages.js";
import type { RemoteTracks } from "./rtc/subscriber.js";
import type { Quality } from "./rtc/quality.js";
import type { PeerState } from "./e2ee/session.js";
import type { Collaboration } from "./collab/collaboration.js";
import type { Polls } from "./polls/polls.js";
import type { MeetingRecording } from "./recording/meeting-recording.js";

/** This page encrypts, or its browser cannot, or the operator switched end-to-end encryption off. */
export type EncryptionMode = "encrypting" | "unsupported" | "off";

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
  /** Breakout rooms: how they stand (undefined: there are none). */
  breakouts(info: BreakoutInfo | undefined): void;
  /** A moderator's message to all breakout rooms. */
  breakoutBroadcast(from: string, text: string): void;
  /** For moderators: someone asks for help in a breakout room. */
  breakoutHelp(from: string, room: BreakoutId): void;
  // --- Moderator tools (issue 13) ---
  /**
   * A moderator stopped this person's screen share, asks them to unmute (a request they may
   * ignore), or the meeting starts newcomers muted or with the camera off.
   */
  moderatorNotice(kind: "stop-screen" | "ask-unmute" | "start-muted"): void;
  /** For moderators: how newcomers start. */
  newcomerDefaults(defaults: NewcomerDefaults): void;
  /** While waiting in the lobby: a moderator's note. */
  lobbyMessage(text: string): void;
}

// --- Breakout rooms (meeting/breakouts.ts) ------------------------------------

/** The breakout rooms as the screen shows them; times are local (ms since 1970). */
export interface BreakoutInfo {
  /** Each room with the name the moderators gave it (undefined: not known here; the screen says "Room n"). */
  rooms: { id: BreakoutId; name: string | undefined }[];
  assignments: Record<ParticipantId, BreakoutId>;
  phase: "planning" | "open" | "closing";
  allowChoose: boolean;
  durationMinutes: number | null;
  /** Open with a time limit: when the countdown to return starts. */
  endsAt: number | undefined;
  /** Closing: when everyone is back in the main room. */
  returnAt: number | undefined;
  /** Where this person is (null: the main room). */
  here: BreakoutId | null;
  /** Everyone in the meeting, this person included, for the moderators' panel. */
  everyone: Participant[];
}

/** What the screen asks of the breakout rooms: the first group for moderators (the server checks), the last two for everyone. */
export interface BreakoutControls {
  create(names: readonly string[]): Promise<void>;
  rename(names: readonly string[]): Promise<void>;
  assign(assignments: Record<ParticipantId, BreakoutId | null>): void;
  assignRandom(): void;
  settings(allowChoose: boolean, durationMinutes: number | null): void;
  open(): void;
  close(): void;
  broadcast(text: string): Promise<void>;
  /** Go to a room (null: the main room): a moderator visits; others when choosing is allowed. */
  choose(room: BreakoutId | null): void;
  askForHelp(): void;
}

/** Safety codes, as the screen uses them to verify another participant's identity key. */
export interface Verification {
  /** The safety code this person compares with participant `id` (undefined: they cannot encrypt). */
  safetyCode(id: ParticipantId): Promise<string> | undefined;
  /** The person compared the safety code with `id` and it matched: remembered for the meeting. */
  markVerified(id: ParticipantId): void;
  isVerified(id: ParticipantId): boolean;
}

/** What the meeting screen asks of the meeting. */
export interface MeetingControls {
  /** Whiteboard, shared notes and presentation (collab/collaboration.ts). */
  readonly collab: Collaboration;
  /** Whether this page encrypts end to end, or why not; undefined until the server's `welcome`. */
  readonly encryption: EncryptionMode | undefined;
  readonly sharingScreen: boolean;
  readonly handRaised: boolean;
  /** Tries the join again with the meeting password the person typed. */
  retryJoin(password: string): void;
  /** The local microphone or camera changed: tell the publisher and everyone else. */
  mediaChanged(): Promise<void>;
  /** The cameras the screen shows, at which size (see ui/layout.ts); the rest are not received. */
  wantVideo(video: Record<ParticipantId, VideoQuality>): void;
  sendChat(text: string): void;
  /** Safety codes: comparing them with another participant (meeting/encryption.ts). */
  readonly verification: Verification;
  /** Resolves false if the person cancelled the browser's dialog. */
  startScreenShare(): Promise<boolean>;
  stopScreenShare(): void;
  raiseHand(raised: boolean): void;
  react(reaction: Reaction): void;
  /** Requests only moderators may make: the server checks the role; the screen offers them only to moderators. */
  readonly moderator: ModeratorControls;
  readonly breakouts: BreakoutControls;
  /** Polls (issue 13): the panel draws them and asks for changes. */
  readonly polls: Polls;
  /** Recording with consent (issue 16): who records, the answers; ui/recording-view.ts draws it and records. */
  readonly recording: MeetingRecording;
}

/** What a moderator asks of the meeting. */
export interface ModeratorControls {
  admit(who: ParticipantId[] | "all"): void;
  refuse(id: ParticipantId): void;
  moderate(id: ParticipantId, action: ModeratorAction): void;
  lock(locked: boolean): void;
  setPassword(password: string | null): void;
  allowMultipleShares(allowed: boolean): void;
  requireE2ee(required: boolean): void;
  endMeeting(): void;
  /** Moderator tools (issue 13): act on everyone else, set how newcomers start, a note to the lobby. */
  moderateAll(action: ModeratorActionForAll): void;
  setNewcomerDefaults(defaults: NewcomerDefaults): void;
  messageLobby(text: string): void;
  /** The moderator link of this meeting, for moderators to hand on; undefined for others. */
  link(): string | undefined;
}

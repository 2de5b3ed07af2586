/**
 * A room's membership as plain data, and what each change tells whom:
 * the participants (with their roles), the lobby of people waiting to be
 * let in, and the meeting's settings.
 *
 * No sockets, no media server: every method returns the deliveries the
 * caller must send. The I/O around it lives in src/meeting/live-room.ts.
 * People in the lobby are told only whether a host is present; they never
 * see the participants, their media or the chat.
 */
import type { ClientMessageOf, LobbyEntry, NewcomerDefaults, Participant, ParticipantId, PublicKey, Reaction, Role, ServerMessage, ServerMessageOf } from "../protocol/messages.js";

/** One message for one participant. */
export interface Delivery {
  to: ParticipantId;
  message: ServerMessage;
}

/** What a chat message carries: text, or text sealed end to end that only the participants can read. */
export type ChatContent =
  | Pick<ServerMessageOf<"chat">, "type" | "text">
  | Pick<ServerMessageOf<"sealedChat">, "type" | "keyId" | "sealed">;

/** What a participant sends as content, as the room relays it. */
export type Content = Omit<ClientMessageOf<"content">, "type">;

export class Room {
  /** In order of arrival (Map keeps insertion order). */
  private readonly members = new Map<ParticipantId, Participant>();
  /** People waiting to be let in, in order of arrival. */
  private readonly waiting = new Map<ParticipantId, LobbyEntry>();
  private locked = false;
  private passwordSet = false;
  private multipleShares = false;
  private e2eeRequired = false;
  /** Hands are numbered in the order they go up. */
  private hands = 0;
  /** How participants (not moderators) who join from now on start. */
  private defaults: NewcomerDefaults = { muteMicrophones: false, cameraOff: false };
  /** The moderator recording in their browser now (issue 16), or null. */
  private recorder: ParticipantId | null = null;

  get size(): number {
    return this.members.size;
  }

  has(id: ParticipantId): boolean {
    return this.members.has(id);
  }

  get(id: ParticipantId): Participant | undefined {
    const p = this.members.get(id);
    return p && { ...p };
  }

  /** Everyone in the room, in order of arrival. */
  list(): Participant[] {
    return [...this.members.values()].map((p) => ({ ...p }));
  }

  /**
   * Adds a participant. The newcomer learns who is here (through the
   * caller's `joined`); everyone else learns about the newcomer. A
   * participant who is new (not `returning` after a reload) starts as the
   * moderators set for newcomers: `startWith` is what they may send at first.
   */
  add(
    id: ParticipantId,
    name: string,
    role: Role = "participant",
    publicKey: PublicKey | null = null,
    returning = false,
  ): { others: Participant[]; deliveries: Delivery[]; startWith?: { audio: boolean; video: boolean } } {
    if (this.members.has(id)) throw new Error(`participant ${id} is already in the room`);
    const hostBefore = this.hostPresent;
    const others = this.list();
    const bound = role === "participant" && !returning && (this.defaults.muteMicrophones || this.defaults.cameraOff);
    const startWith = bound ? { audio: !this.defaults.muteMicrophones, video: !this.defaults.cameraOff } : undefined;
    const participant: Participant = { id, name, role, audio: startWith?.audio ?? true, video: startWith?.video ?? true, publishing: false, screen: false, hand: null, publicKey };
    this.members.set(id, participant);
    const deliveries = this.toOthers(id, { type: "participantJoined", participant: { ...participant } });
    deliveries.push({ to: id, message: this.stateMessage() });
    if (this.recorder) deliveries.push({ to: id, message: { type: "recording", by: this.recorder } });
    if (role === "moderator") deliveries.push({ to: id, message: this.lobbyMessage() }, ...this.defaultsFor(id));
    return { others, deliveries: [...deliveries, ...this.hostChange(hostBefore)], ...(startWith ? { startWith } : {}) };
  }

  /** Removes a participant; the others are told. Removing someone absent does nothing. */
  remove(id: ParticipantId): Delivery[] {
    const hostBefore = this.hostPresent;
    if (!this.members.delete(id)) return [];
    return [...this.toOthers(id, { type: "participantLeft", participantId: id }), ...this.hostChange(hostBefore), ...this.recorderGone(id)];
  }

  // --- roles --------------------------------------------------------------

  isModerator(id: ParticipantId): boolean {
    return this.members.get(id)?.role === "moderator";
  }

  /** A moderator is in the meeting. */
  get hostPresent(): boolean {
    return [...this.members.values()].some((p) => p.role === "moderator");
  }

  /** Makes someone a moderator: everyone sees the new role, the new moderator sees the lobby. */
  promote(id: ParticipantId): Delivery[] {
    const current = this.members.get(id);
    if (!current || current.role === "moderator") return [];
    const hostBefore = this.hostPresent;
    const next: Participant = { ...current, role: "moderator" };
    this.members.set(id, next);
    return [
      ...this.toOthers(id, { type: "participantUpdated", participant: { ...next } }),
      { to: id, message: this.lobbyMessage() },
      ...this.defaultsFor(id),
      ...this.hostChange(hostBefore),
    ];
  }

  /** Takes moderator rights away: everyone sees the new role; the lobby list is no longer theirs. */
  demote(id: ParticipantId): Delivery[] {
    const current = this.members.get(id);
    if (!current || current.role !== "moderator") return [];
    const hostBefore = this.hostPresent;
    const next: Participant = { ...current, role: "participant" };
    this.members.set(id, next);
    return [...this.toAll({ type: "participantUpdated", participant: { ...next } }), ...this.hostChange(hostBefore), ...this.recorderGone(id)];
  }

  // --- lobby --------------------------------------------------------------

  get isEmpty(): boolean {
    return this.members.size === 0 && this.waiting.size === 0;
  }

  isWaiting(id: ParticipantId): boolean {
    return this.waiting.has(id);
  }

  /** Ids of everyone in the lobby, in order of arrival. */
  waitingIds(): ParticipantId[] {
    return [...this.waiting.keys()];
  }

  /**
   * Puts someone in the lobby: they learn whether a host is here, the moderators learn who
   * knocks (only the newcomer, not the whole list again: a full lobby must not cost N² messages).
   */
  knock(id: ParticipantId, name: string, e2ee: boolean): Delivery[] {
    const entry: LobbyEntry = { id, name, e2ee };
    this.waiting.set(id, entry);
    return [
      { to: id, message: { type: "lobby", hostPresent: this.hostPresent } },
      ...(this.recorder ? [{ to: id, message: { type: "meetingNotice", recording: true } } as const] : []),
      ...this.toModerators({ type: "lobbyJoined", entry: { ...entry } }),
    ];
  }

  /** Takes someone out of the lobby (admitted, refused or gone); the moderators are told. */
  unknock(id: ParticipantId): Delivery[] {
    if (!this.waiting.delete(id)) return [];
    return this.toModerators({ type: "lobbyLeft", participantId: id });
  }

  /** Raises (at the end of the queue) or lowers a participant's hand; everyone sees it. */
  setHand(id: ParticipantId, raised: boolean): Delivery[] {
    const current = this.members.get(id);
    if (!current || (current.hand !== null) === raised) return [];
    const next: Participant = { ...current, hand: raised ? ++this.hands : null };
    this.members.set(id, next);
    return this.toAll({ type: "participantUpdated", participant: { ...next } });
  }

  /** A reaction, shown to everyone in the meeting. */
  react(from: ParticipantId, reaction: Reaction): Delivery[] {
    return this.members.has(from) ? this.toAll({ type: "reaction", from, reaction }) : [];
  }

  /** A chat message, plain or sealed end to end, from a participant to everyone in the meeting, the sender included. */
  chat(from: ParticipantId, content: ChatContent, at: number): Delivery[] {
    const sender = this.members.get(from);
    if (!sender) return [];
    return this.toAll({ ...content, from, name: sender.name, at });
  }

  /**
   * Content from a participant: to one participant, to the moderators, or to everyone else; never
   * back to its sender. Nobody, if the sender is gone or `to` is not in the meeting.
   */
  content(from: ParticipantId, content: Content, at: number): Delivery[] {
    if (!this.members.has(from)) return [];
    const message: ServerMessage = { type: "content", from, ...content, at };
    const { to } = content;
    const recipients =
      to === undefined ? [...this.members.keys()] : to === "moderators" ? this.moderatorIds() : this.members.has(to) ? [to] : [];
    return recipients.filter((id) => id !== from).map((id) => ({ to: id, message }));
  }

  /**
   * One sender's media key, sealed for each of some other participants: each gets their own.
   * `absent`: the ids that are not (or no longer) in the meeting, or the sender's own.
   */
  relayKeys(from: ParticipantId, keyId: number, sealed: Readonly<Record<ParticipantId, string>>): { deliveries: Delivery[]; absent: ParticipantId[] } {
    const deliveries: Delivery[] = [];
    const absent: ParticipantId[] = [];
    for (const [to, key] of Object.entries(sealed)) {
      if (!this.members.has(from) || !this.members.has(to) || to === from) absent.push(to);
      else deliveries.push({ to, message: { type: "e2eeKey", from, keyId, sealed: key } });
    }
    return { deliveries, absent };
  }

  // --- moderator tools (issue 13) -------------------------------------------

  get newcomerDefaults(): NewcomerDefaults {
    return { ...this.defaults };
  }

  /** How newcomers start from now on; every moderator sees the setting. */
  setNewcomerDefaults(defaults: NewcomerDefaults): Delivery[] {
    this.defaults = { muteMicrophones: defaults.muteMicrophones, cameraOff: defaults.cameraOff };
    return this.toModerators({ type: "newcomerDefaults", ...this.defaults });
  }

  /** Lowers every raised hand; everyone sees each one go down. */
  lowerAllHands(): Delivery[] {
    return [...this.members.values()].filter((p) => p.hand !== null).flatMap((p) => this.setHand(p.id, false));
  }

  /** A moderator's note to everyone waiting in the lobby now. */
  noteToLobby(text: string, at: number): Delivery[] {
    return [...this.waiting.keys()].map((to) => ({ to, message: { type: "lobbyMessage", text, at } }));
  }

  /** The setting for newcomers, to one moderator, when it is not the default. */
  private defaultsFor(id: ParticipantId): Delivery[] {
    const { muteMicrophones, cameraOff } = this.defaults;
    return muteMicrophones || cameraOff ? [{ to: id, message: { type: "newcomerDefaults", muteMicrophones, cameraOff } }] : [];
  }

  // --- recording (issue 16) ---------------------------------------------------
  // The recording itself happens in the moderator's browser; the room knows only who records,
  // so that everyone in the meeting sees it, and everyone waiting or about to join is told.

  /** The moderator recording now, or null. */
  get recordingBy(): ParticipantId | null {
    return this.recorder;
  }

  /**
   * A moderator starts (`on`) or stops the recording (the caller checked the role, and that nobody
   * else records). Everyone in the meeting and in the lobby is told; nothing if nothing changed.
   */
  setRecording(by: ParticipantId, on: boolean): Delivery[] {
    const next = on ? by : null;
    if (next === this.recorder || (on && !this.isModerator(by))) return [];
    this.recorder = next;
    return this.recordingNews();
  }

  /** The recording moderator left or is no longer a moderator: the recording stops for everyone. */
  private recorderGone(id: ParticipantId): Delivery[] {
    if (this.recorder !== id) return [];
    this.recorder = null;
    return this.recordingNews();
  }

  private recordingNews(): Delivery[] {
    const recording = this.recorder !== null;
    return [
      ...this.toAll({ type: "recording", by: this.recorder }),
      ...[...this.waiting.keys()].map((to): Delivery => ({ to, message: { type: "meetingNotice", recording } })),
    ];
  }

  // --- settings -----------------------------------------------------------

  get allowsMultipleShares(): boolean {
    return this.multipleShares;
  }

  get isLocked(): boolean {
    return this.locked;
  }

  get requiresE2ee(): boolean {
    return this.e2eeRequired;
  }

  /** Changes lock or password state; everyone in the meeting sees the new settings. */
  setState(change: { locked?: boolean; passwordSet?: boolean; multipleShares?: boolean; e2eeRequired?: boolean }): Delivery[] {
    this.locked = change.locked ?? this.locked;
    this.e2eeRequired = change.e2eeRequired ?? this.e2eeRequired;
    this.passwordSet = change.passwordSet ?? this.passwordSet;
    this.multipleShares = change.multipleShares ?? this.multipleShares;
    return this.toAll(this.stateMessage());
  }

  /** Everyone in the meeting and everyone in the lobby (for "the meeting ended"). */
  everyone(): ParticipantId[] {
    return [...this.members.keys(), ...this.waiting.keys()];
  }

  private stateMessage(): ServerMessage {
    return { type: "roomState", locked: this.locked, passwordSet: this.passwordSet, multipleShares: this.multipleShares, e2eeRequired: this.e2eeRequired };
  }

  private lobbyMessage(): ServerMessage {
    return { type: "lobbyChanged", waiting: [...this.waiting.values()].map((e) => ({ ...e })) };
  }

  /** When the first moderator arrives or the last one leaves, the lobby is told. */
  private hostChange(before: boolean): Delivery[] {
    const now = this.hostPresent;
    if (now === before) return [];
    return [...this.waiting.keys()].map((to) => ({ to, message: { type: "lobby", hostPresent: now } }));
  }

  private moderatorIds(): ParticipantId[] {
    return [...this.members.values()].filter((p) => p.role === "moderator").map((p) => p.id);
  }

  private toModerators(message: ServerMessage): Delivery[] {
    return this.moderatorIds().map((to) => ({ to, message }));
  }

  private toAll(message: ServerMessage): Delivery[] {
    return [...this.members.keys()].map((to) => ({ to, message }));
  }

  /** Changes what a participant sends; the others are told if anything changed. */
  update(id: ParticipantId, change: Partial<Pick<Participant, "audio" | "video" | "publishing" | "screen">>): Delivery[] {
    const current = this.members.get(id);
    if (!current) return [];
    const next = { ...current, ...change };
    if (
      next.audio === current.audio &&
      next.video === current.video &&
      next.publishing === current.publishing &&
      next.screen === current.screen
    ) {
      return [];
    }
    this.members.set(id, next);
    return this.toOthers(id, { type: "participantUpdated", participant: { ...next } });
  }

  /** The ids among `wanted` that are in the room and publishing, and those that are not in the room. */
  resolveSubscription(
    subscriber: ParticipantId,
    wanted: readonly ParticipantId[],
    wantedScreens: readonly ParticipantId[] = [],
  ): { publishing: ParticipantId[]; screens: ParticipantId[]; unknown: ParticipantId[] } {
    const publishing: ParticipantId[] = [];
    const screens: ParticipantId[] = [];
    const unknown = new Set<ParticipantId>();
    for (const [ids, ready, into] of [
      [wanted, (p: Participant) => p.publishing, publishing],
      [wantedScreens, (p: Participant) => p.screen, screens],
    ] as const) {
      for (const id of new Set(ids)) {
        const p = this.members.get(id);
        if (!p || id === subscriber) unknown.add(id);
        else if (ready(p)) into.push(id);
      }
    }
    return { publishing, screens, unknown: [...unknown] };
  }


  private toOthers(except: ParticipantId, message: ServerMessage): Delivery[] {
    return [...this.members.keys()].filter((id) => id !== except).map((to) => ({ to, message }));
  }
}

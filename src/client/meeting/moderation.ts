/**
 * This participant's role, and the requests only moderators may make. The
 * server checks the role of every request; the screen offers them only to
 * moderators. The moderator key is kept on this device (storage.ts).
 */
import type { ClientMessageInput, LobbyEntry, ModeratorAction, ModeratorActionForAll, NewcomerDefaults, ParticipantId, Role, RoomName, ServerMessageOf } from "../../protocol/messages.js";
import type { ModeratorControls } from "../view.js";
import { forgetModeratorKey, moderatorKeyFor, passphraseFromLink, rememberModeratorKey } from "../storage.js";

export class Moderation implements ModeratorControls {
  role: Role = "participant";
  /** From the moderator link, kept from before, or given by the server on promotion. */
  key: string | undefined;
  /** Who waits in the lobby: the list comes whole when this person becomes a moderator, then change by change. */
  private readonly waiting = new Map<ParticipantId, LobbyEntry>();

  constructor(
    private readonly room: RoomName,
    private readonly send: (message: ClientMessageInput) => void,
  ) {
    this.key = moderatorKeyFor(room);
  }

  get isModerator(): boolean {
    return this.role === "moderator";
  }

  /**
   * The server said which role this person has, with their own moderator key if a moderator
   * (renewed on every entry). A participant keeps no key: it was refused, expired, or the rights
   * were taken away.
   */
  setRole(role: Role, moderatorKey: string | undefined): void {
    this.role = role;
    if (role === "moderator" && moderatorKey) {
      this.key = moderatorKey;
      rememberModeratorKey(this.room, moderatorKey);
    } else if (role === "participant") {
      this.forgetKey();
      this.waiting.clear();
    }
  }

  /** The meeting is over for this person (ended, or removed): no key is kept for it. */
  forgetKey(): void {
    this.key = undefined;
    forgetModeratorKey(this.room);
  }

  /** Folds a lobby message into the list of who waits; returns the list, in order of arrival. */
  lobby(message: ServerMessageOf<"lobbyChanged" | "lobbyJoined" | "lobbyLeft">): LobbyEntry[] {
    if (message.type === "lobbyChanged") {
      this.waiting.clear();
      for (const entry of message.waiting) this.waiting.set(entry.id, entry);
    } else if (message.type === "lobbyJoined") this.waiting.set(message.entry.id, message.entry);
    else this.waiting.delete(message.participantId);
    return [...this.waiting.values()];
  }

  /** The moderator link of this meeting, for moderators to hand on (the key travels in the fragment). */
  link(): string | undefined {
    if (!this.key) return undefined;
    // A passphrase in the address goes along, or the second moderator could not exchange keys with anyone.
    const passphrase = passphraseFromLink();
    return `${location.origin}/r/${this.room}#moderator=${this.key}${passphrase ? `&passphrase=${encodeURIComponent(passphrase)}` : ""}`;
  }

  admit(who: ParticipantId[] | "all"): void {
    this.send({ type: "admit", participants: who });
  }

  refuse(id: ParticipantId): void {
    this.send({ type: "refuse", participant: id });
  }

  moderate(id: ParticipantId, action: ModeratorAction): void {
    this.send({ type: "moderate", participant: id, action });
  }

  lock(locked: boolean): void {
    this.send({ type: "lock", locked });
  }

  setPassword(password: string | null): void {
    this.send({ type: "setPassword", password });
  }

  allowMultipleShares(allowed: boolean): void {
    this.send({ type: "allowMultipleShares", allowed });
  }

  requireE2ee(required: boolean): void {
    this.send({ type: "requireE2ee", required });
  }

  endMeeting(): void {
    this.send({ type: "endMeeting" });
  }

  // Moderator tools (issue 13)
  moderateAll(action: ModeratorActionForAll): void {
    this.send({ type: "moderateAll", action });
  }

  setNewcomerDefaults(defaults: NewcomerDefaults): void {
    this.send({ type: "newcomerDefaults", ...defaults });
  }

  messageLobby(text: string): void {
    this.send({ type: "lobbyMessage", text });
  }
}

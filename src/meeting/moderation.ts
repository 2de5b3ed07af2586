/**
 * What moderators do to a live room: let people in or turn them away, act on
 * one participant, change the meeting's settings, end it.
 *
 * Every action is checked here, on the server, and runs in the room's queue:
 * the sender must still be in the room and be a moderator now. Mute and
 * camera-off are made true at the media server (room-media.ts), not only
 * asked of the participant's client.
 */
import { CloseCode, type ModeratorAction, type ModeratorActionForAll, type NewcomerDefaults, type ParticipantId } from "../protocol/messages.js";
import type { LiveRoom, Member, ParticipantLink } from "./live-room.js";
import { E2EE_REQUIRED_MESSAGE } from "./admission.js";
import { hashPassword } from "./password.js";
import { ForbiddenError, RefusedError, RoomClosedError } from "./errors.js";

export type FarewellReason = "refused" | "removed" | "ended";

export class Moderation {
  constructor(private readonly live: LiveRoom) {}

  admit(by: Member, who: readonly ParticipantId[] | "all"): Promise<void> {
    return this.asModerator(by, async () => {
      for (const id of who === "all" ? this.live.room.waitingIds() : who) {
        // Nobody without E2EE waits while it is required (admission and requireE2ee see to it).
        const waiter = this.live.takeWaiter(id);
        if (!waiter) continue;
        try {
          waiter.admit(await this.live.enter(id, waiter, "participant"));
        } catch (error) {
          waiter.refuse(error as Error);
        }
      }
    });
  }

  refuse(by: Member, id: ParticipantId): Promise<void> {
    return this.asModerator(by, async () => {
      const waiter = this.live.waiters.get(id);
      if (!waiter) return;
      farewell(waiter.link, "refused");
      this.live.dropWaiter(id, new RefusedError("not-joined", "refused"));
      await this.live.closeIfEmpty();
    });
  }

  moderate(by: Member, target: ParticipantId, action: ModeratorAction): Promise<void> {
    return this.asModerator(by, async () => {
      const live = this.live;
      const member = live.members.get(target);
      if (!member) throw new RefusedError("unknown-participant", `participant ${target} is not in this meeting`);
      const current = live.room.get(target)!;
      switch (action) {
        case "mute-audio":
        case "stop-video": {
          const allowed = action === "mute-audio" ? { audio: false, video: current.video } : { audio: current.audio, video: false };
          member.link.send({ type: "moderated", action });
          live.deliver(live.room.update(target, allowed));
          live.media.enforce(member.media, allowed);
          return;
        }
        case "remove":
          farewell(member.link, "removed");
          live.forget(target); // a removed person may knock again, but not walk back in
          this.shutOut(member); // nor back in with their moderator key
          await live.removeMember(target);
          return;
        case "lower-hand":
          live.deliver(live.room.setHand(target, false));
          return;
        case "stop-screen":
          // The media server stops forwarding it at once; their page is told so it stops capturing.
          if (!member.media.screen) return;
          member.link.send({ type: "moderated", action });
          await live.stopScreenOf(member);
          return;
        case "make-moderator": {
          if (current.role === "moderator") return;
          // A key of their own, valid in this run of the meeting only: never the owner's key.
          member.key = undefined;
          const moderatorKey = live.moderatorKeyFor(member);
          // The role first, then what comes with it (the lobby list); and a reload keeps it.
          member.link.send({ type: "roleChanged", role: "moderator", moderatorKey });
          live.deliver(live.room.promote(target));
          this.setKnownRole(target, "moderator", member.key);
          return;
        }
        case "demote":
          if (target === by.id) throw new RefusedError("forbidden", "you cannot take away your own moderator rights");
          if (current.role !== "moderator") return;
          this.shutOut(member);
          member.link.send({ type: "roleChanged", role: "participant" });
          live.deliver(live.room.demote(target));
          this.setKnownRole(target, "participant", undefined);
          return;
      }
    });
  }

  // --- moderator tools (issue 13) ---

  /**
   * Acts on everyone but the moderator who asks. A mute holds at the media server (like a single
   * one); asking to unmute only tells the muted, whose pages show it as a request.
   */
  moderateAll(by: Member, action: ModeratorActionForAll): Promise<void> {
    return this.asModerator(by, async () => {
      const live = this.live;
      if (action === "lower-hands") return live.deliver(live.room.lowerAllHands());
      for (const member of live.members.values()) {
        const current = live.room.get(member.id);
        if (member.id === by.id || !current) continue;
        if (action === "ask-unmute") {
          if (!current.audio) member.link.send({ type: "moderated", action: "ask-unmute" });
          continue;
        }
        if (!current.audio) continue; // already muted, and held to it at the media server
        const allowed = { audio: false, video: current.video };
        member.link.send({ type: "moderated", action: "mute-audio" });
        live.deliver(live.room.update(member.id, allowed));
        live.media.enforce(member.media, allowed);
      }
    });
  }

  setNewcomerDefaults(by: Member, defaults: NewcomerDefaults): Promise<void> {
    return this.asModerator(by, async () => this.live.deliver(this.live.room.setNewcomerDefaults(defaults)));
  }

  /** A note to those waiting in the lobby now. Not stored, not logged. */
  messageLobby(by: Member, text: string): Promise<void> {
    return this.asModerator(by, async () => this.live.deliver(this.live.room.noteToLobby(text, Date.now())));
  }

  // --- end of moderator tools ---

  /**
   * Recording (issue 16): a moderator starts recording in their browser, or any moderator stops it
   * (the recording moderator's page stops and saves when told). One recording at a time.
   */
  record(by: Member, on: boolean): Promise<void> {
    return this.asModerator(by, async () => {
      const recorder = this.live.room.recordingBy;
      if (on && recorder !== null && recorder !== by.id) throw new RefusedError("out-of-order", "another moderator is recording already");
      this.live.deliver(this.live.room.setRecording(by.id, on));
    });
  }

  allowMultipleShares(by: Member, allowed: boolean): Promise<void> {
    return this.asModerator(by, async () => this.live.deliver(this.live.room.setState({ multipleShares: allowed })));
  }

  requireE2ee(by: Member, required: boolean): Promise<void> {
    return this.asModerator(by, async () => {
      const { policy } = this.live.context;
      if (required && policy.e2ee === "off") throw new RefusedError("forbidden", "end-to-end encryption is switched off on this server");
      if (!required && policy.e2ee === "required") throw new RefusedError("forbidden", "this server requires end-to-end encryption in every meeting");
      this.live.deliver(this.live.room.setState({ e2eeRequired: required }));
      if (!required) return;
      // Those already waiting whose browsers cannot encrypt are told now, not after a moderator lets them "in".
      for (const waiter of [...this.live.waiters.values()]) {
        if (waiter.publicKey) continue;
        waiter.link.send({ type: "error", code: "e2ee-required", message: E2EE_REQUIRED_MESSAGE, inReplyTo: "join" });
        this.live.dropWaiter(waiter.id, new RefusedError("e2ee-required", E2EE_REQUIRED_MESSAGE));
      }
    });
  }

  lock(by: Member, locked: boolean): Promise<void> {
    return this.asModerator(by, async () => this.live.deliver(this.live.room.setState({ locked })));
  }

  setPassword(by: Member, password: string | null): Promise<void> {
    return this.asModerator(by, async () => {
      this.live.password = password === null ? undefined : await hashPassword(password);
      this.live.deliver(this.live.room.setState({ passwordSet: password !== null }));
    });
  }

  /** Ends the meeting for everyone, the lobby included. */
  end(by: Member): Promise<void> {
    return this.asModerator(by, async () => {
      for (const id of this.live.room.everyone()) {
        const link = this.live.linkOf(id);
        if (link) farewell(link, "ended");
      }
      await this.live.shutdownNow();
    });
  }

  private asModerator(by: Member, action: () => Promise<void>): Promise<void> {
    return this.live.queue.run(async () => {
      if (this.live.isClosed) throw new RoomClosedError("the meeting ended");
      this.live.current(by);
      if (!this.live.room.isModerator(by.id)) throw new ForbiddenError("only moderators may do that");
      await action();
    });
  }

  /** The member's moderator key stops working in this run of the meeting. */
  private shutOut(member: Member): void {
    if (member.key) this.live.shutOut.add(member.key.id);
    member.key = undefined;
  }

  /** A reload (resume token) comes back with the role the person has now. */
  private setKnownRole(id: ParticipantId, role: "moderator" | "participant", key: Member["key"]): void {
    for (const known of this.live.known.values()) {
      if (known.id !== id) continue;
      known.role = role;
      if (key) known.key = key;
      else delete known.key;
    }
  }
}

/** The last word to someone whose part in the meeting the server ends. */
export function farewell(link: ParticipantLink, reason: FarewellReason): void {
  link.send({ type: "farewell", reason });
  link.close(CloseCode.farewell, reason);
}

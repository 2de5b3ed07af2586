/**
 * What participants pass to each other through a live room: hands, reactions,
 * chat, content (content-policy.ts) and sealed media keys. Relayed at once to
 * whom it is for, never stored and never logged; sealed chat, content and keys
 * are ciphertext to the server. While breakout rooms are open, chat stays in
 * the room (moderators hear every room: docs/e2ee.md).
 */
import type { ParticipantId, Reaction } from "../protocol/messages.js";
import type { LiveRoom, Member } from "./live-room.js";
import type { ChatContent, Content } from "./room.js";
import { CONTENT_POLICY } from "./content-policy.js";
import { ForbiddenError, ParticipantNotFoundError, RefusedError } from "./errors.js";

export class Relay {
  constructor(private readonly live: LiveRoom) {}

  raiseHand(member: Member, raised: boolean): void {
    this.live.deliver(this.live.room.setHand(this.live.current(member).id, raised));
  }

  react(member: Member, reaction: Reaction): void {
    this.live.deliver(this.live.room.react(this.live.current(member).id, reaction));
  }

  /** Relays a chat message (plain or sealed) to everyone in the meeting (in the same breakout room). It is not stored and not logged. */
  chat(member: Member, content: ChatContent): void {
    const from = this.live.current(member).id;
    // While breakout rooms are open, chat stays in the room (moderators hear every room): docs/e2ee.md.
    this.live.deliver(this.live.room.chat(from, content, Date.now()).filter(({ to }) => this.live.breakouts.together(from, to)));
  }

  /** Relays content (plain or sealed) as content-policy.ts allows. It is not stored and not logged. */
  content(member: Member, content: Content): void {
    const sender = this.live.room.get(this.live.current(member).id);
    if (!sender) throw new ParticipantNotFoundError("you are no longer in this room");
    if (CONTENT_POLICY[content.topic].sender === "moderator" && sender.role !== "moderator") {
      throw new ForbiddenError(`only moderators send ${content.topic}`);
    }
    const { to } = content;
    if (to !== undefined && to !== "moderators" && !this.live.room.has(to)) throw new RefusedError("unknown-participant", `not in this meeting: ${to}`);
    this.live.deliver(this.live.room.content(sender.id, content, Date.now()));
  }

  /** Passes each sealed media key to the one participant it is for. The server cannot open them. */
  relayKeys(member: Member, keyId: number, sealed: Readonly<Record<ParticipantId, string>>): void {
    const { deliveries, absent } = this.live.room.relayKeys(this.live.current(member).id, keyId, sealed);
    this.live.deliver(deliveries);
    if (absent.length) throw new RefusedError("unknown-participant", `not in this meeting: ${absent.slice(0, 5).join(", ")}`);
  }
}

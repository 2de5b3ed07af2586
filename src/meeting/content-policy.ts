/**
 * Who may send which content, and how much: the server's whole say over what
 * participants create together. It cannot look inside (sealed content is
 * ciphertext to it), so it checks only the sender's role, the recipient and
 * the volume; everything else (whose "clear" counts, what a poll may ask) is
 * checked by the receiving browsers, which know the roles from the roster.
 */
import type { ContentTopic } from "../protocol/messages.js";

export interface ContentRule {
  /** `moderator`: anyone else gets `forbidden` and nothing is relayed. */
  sender: "anyone" | "moderator";
}

export const CONTENT_POLICY: Readonly<Record<ContentTopic, ContentRule>> = {
  /** Questions, closing and shared results come from moderators. */
  poll: { sender: "moderator" },
  /** Answers, addressed to the moderators. */
  pollAnswer: { sender: "anyone" },
  /** Breakout names and broadcasts: the moderator's; the server knows breakouts only by id. */
  breakout: { sender: "moderator" },
  /** Strokes and note edits from everyone (who may draw is each board's setting, kept by the browsers). */
  whiteboard: { sender: "anyone" },
  notes: { sender: "anyone" },
  /** A presentation's file and page turns, from whoever presents. */
  slides: { sender: "anyone" },
  /** Agree or decline to be recorded (issue 16): from anyone, addressed to the recording moderator only. */
  recordingConsent: { sender: "anyone" },
};

/**
 * Content bytes per connection: a 4 MiB burst (a presentation's first chunks), then 1 MiB/s, so one
 * person cannot make the server relay without bound (each byte goes to everyone else).
 */
export const CONTENT_BYTES_BURST = 4 * 1024 * 1024;
export const CONTENT_BYTES_PER_SECOND = 1024 * 1024;

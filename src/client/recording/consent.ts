/**
 * Consent to a recording (issue 16): what a participant's answer looks like
 * on the wire, and the recording moderator's book of answers.
 *
 * An answer travels over the content channel (topic `recordingConsent`, to
 * the recording moderator only), sealed end to end when the page encrypts:
 * the server relays it and cannot read who agreed. Not answered counts as
 * declined: a person is in the picture and the mix only once they agreed.
 */
import type { ParticipantId } from "../../protocol/messages.js";

/** One person's answer: `agree` true or false. Anything else that arrives is ignored. */
export function encodeConsent(agree: boolean): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ agree }));
}

export function parseConsent(bytes: Uint8Array): boolean | undefined {
  try {
    const value = JSON.parse(new TextDecoder().decode(bytes)) as unknown;
    if (typeof value === "object" && value !== null && "agree" in value && typeof value.agree === "boolean") return value.agree;
  } catch {
    // Not JSON: ignored like any other answer that does not fit.
  }
  return undefined;
}

/**
 * The recording moderator's answers, for one recording. The moderator who records counts as
 * agreeing; everyone else is out until their "agree" arrives, and out again if they change it.
 */
export class ConsentBook {
  private readonly answers = new Map<ParticipantId, boolean>();

  constructor(private readonly recorder: ParticipantId) {}

  answer(from: ParticipantId, agree: boolean): void {
    this.answers.set(from, agree);
  }

  /** Someone left: their answer goes with them (someone new under another id is asked anew). */
  forget(id: ParticipantId): void {
    this.answers.delete(id);
  }

  agrees(id: ParticipantId): boolean {
    return id === this.recorder || this.answers.get(id) === true;
  }

  /** How many answered which way (the recorder not counted), for the moderator's indicator. */
  counts(): { agreed: number; declined: number } {
    let agreed = 0;
    let declined = 0;
    for (const [id, agree] of this.answers) {
      if (id === this.recorder) continue;
      if (agree) agreed++;
      else declined++;
    }
    return { agreed, declined };
  }
}

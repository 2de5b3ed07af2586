/**
 * The consultation messages (docs/consultation.md): a patient waits in the practice's queue, a
 * staff member calls them in, and the two browsers connect to each other directly. The server
 * relays their SDP and ICE candidates (`consultSignal`) between exactly those two connections,
 * and nothing else. messages.ts adds these to the protocol's unions.
 */
import { z } from "zod";
import { ChatText, DisplayName, IceCandidate, IceServer, KeyId, ModeratorKey, PublicKey, RoomName, Sealed, Sdp } from "./values.js";

/** A waiting patient's id: random per wait, known only to the practice's staff. */
export const PatientId = z.string().min(1).max(32).regex(/^[A-Za-z0-9_-]+$/);
export type PatientId = z.infer<typeof PatientId>;

/** What a patient holds: the link's long token, or the short code typed on a phone. */
export const AppointmentCode = z.string().min(6).max(64).regex(/^[A-Za-z0-9_-]+$/);

/** An SDP offer or answer of the direct connection between the two browsers. */
export const SessionDescription = z.object({ type: z.enum(["offer", "answer"]), sdp: Sdp });

/** One patient in the practice's queue, as staff see it. */
export const QueueEntry = z.object({
  id: PatientId,
  /** The appointment's label, as staff typed it ("" if none). */
  label: z.string(),
  /** The name the patient typed ("" if none). */
  name: z.string(),
  /** When the appointment starts, ms since 1970. */
  startsAt: z.number(),
  /** Since when the patient waits, ms since 1970. */
  since: z.number(),
  /** The patient's camera and microphone opened in the device check. */
  checked: z.boolean(),
  /** The patient's browser can encrypt the call end to end (else the call falls back to DTLS-SRTP). */
  e2ee: z.boolean(),
});
export type QueueEntry = z.infer<typeof QueueEntry>;

/** What a `consultSignal` carries, in both directions. */
const signalFields = { description: SessionDescription.optional(), candidate: IceCandidate.nullable().optional() };

// --- The call's end-to-end encryption (docs/e2ee.md, "Video consultation") ---------------------
/**
 * What a `consultKey` carries, in both directions, relayed unchanged like `consultSignal`: first this
 * browser's identity key (`publicKey`; `null`: it cannot encrypt end to end), then its media key
 * `keyId` sealed for the other browser's identity key (`sealed`), which the server cannot open.
 */
const keyFields = { publicKey: PublicKey.nullable().optional(), keyId: KeyId.optional(), sealed: Sealed(256).optional() };
// -----------------------------------------------------------------------------------------------

export const consultationClientMessages = [
  /** A patient enters the practice's queue with their appointment's link token or code. Allowed without `join`. */
  z.object({
    type: z.literal("consultWait"),
    code: AppointmentCode,
    name: DisplayName.optional(),
    /** Whether the device check found a working camera and microphone. */
    checked: z.boolean(),
    /** Whether this browser can encrypt the call end to end (staff see it in the queue before calling in). */
    e2ee: z.boolean().default(false),
  }),
  /** Staff (signed in: the session cookie) subscribe to the queue; answered by `consultQueue`. */
  z.object({ type: z.literal("consultStaff") }),
  /** Staff call a waiting patient in: both get `consultConnect`. */
  z.object({ type: z.literal("consultCall"), patient: PatientId }),
  /** SDP or an ICE candidate for the other browser of the call (`candidate: null`: gathering complete). */
  z.object({ type: z.literal("consultSignal"), ...signalFields }),
  /** This browser's identity key, or its media key sealed for the other browser of the call (see keyFields). */
  z.object({ type: z.literal("consultKey"), ...keyFields }),
  /** Either side ends the call. */
  z.object({ type: z.literal("consultHangUp") }),
  /** Staff send a short message to one waiting patient ("We'll be with you shortly"). */
  z.object({ type: z.literal("consultNotice"), patient: PatientId, text: ChatText.pipe(z.string().max(300, "at most 300 characters")) }),
  /** Staff turn a waiting patient away: their wait ends and their appointment is forgotten. */
  z.object({ type: z.literal("consultTurnAway"), patient: PatientId }),
  /** Staff in a call put the patient back on hold: the call closes, the patient waits again at their old place. */
  z.object({ type: z.literal("consultHold") }),
  // A third person (docs/consultation.md, "A third person"): the call moves to a media-server room and back.
  /** Staff in a call invite a third person (an interpreter, a relative): answered by `consultInvitation`. */
  z.object({ type: z.literal("consultInvite") }),
  /**
   * The third person joins the call with the invitation's token (from their link). Allowed without
   * `join`. No name: they give it to the others in the room's `join`, as in any meeting.
   */
  z.object({ type: z.literal("consultGuest"), code: AppointmentCode }),
  /** Staff end the third person's part (their page could not join the room): the two go back to a direct call. */
  z.object({ type: z.literal("consultRemoveGuest") }),
] as const;

export const consultationServerMessages = [
  /** To a patient: they wait; sent again when their place changes. They never learn about other patients. */
  z.object({ type: z.literal("consultWaiting"), practice: z.string(), position: z.number().int().min(1) }),
  /** To staff: everyone waiting, in order; sent again on every change. */
  z.object({ type: z.literal("consultQueue"), patients: z.array(QueueEntry) }),
  /**
   * To both sides of a call: connect to the other browser; the staff side makes the offer. `other`:
   * who the other side is, for the safety-code dialog (staff: the patient's label and name; the
   * patient: the practice's name).
   */
  z.object({ type: z.literal("consultConnect"), offerer: z.boolean(), iceServers: z.array(IceServer), other: z.string() }),
  /** From the other browser of the call, relayed unchanged. */
  z.object({ type: z.literal("consultSignal"), ...signalFields }),
  /** From the other browser of the call, relayed unchanged (see keyFields). */
  z.object({ type: z.literal("consultKey"), ...keyFields }),
  /** The call is over (the other side hung up or left), or staff turned the waiting patient away. */
  z.object({ type: z.literal("consultEnded") }),
  /** To a waiting patient: a short message from the practice. */
  z.object({ type: z.literal("consultNotice"), text: z.string() }),
  /**
   * To a patient: the call is closed and they are back in the queue (staff put them on hold, or the
   * staff side dropped); a `consultWaiting` with their place follows.
   */
  z.object({ type: z.literal("consultHeld") }),
  /** To staff: the invitation's token for the link (`/sprechstunde/gast#<token>`), valid until `expiresAt` and only during this call. */
  z.object({ type: z.literal("consultInvitation"), token: AppointmentCode, expiresAt: z.number() }),
  /**
   * To the call's three people once the third arrives: join this media-server room with this
   * invitation key (as a participant; end to end encrypted), then close the direct connection.
   * When the third person leaves, staff and patient get a fresh `consultConnect`: back to direct.
   */
  z.object({ type: z.literal("consultRoom"), room: RoomName, key: ModeratorKey }),
] as const;

/** Whether a client message belongs to the consultation (signaling.ts hands those to the consultation hub). */
export function isConsultationType(type: string): boolean {
  return type.startsWith("consult");
}

/**
 * The consultation's signaling: patients waiting in the practice's queue, staff watching it,
 * and the relay between the two browsers of each call. signaling.ts hands every `consult*`
 * message of a connection to that connection's `ConsultationConnection`.
 *
 * Who may reach whom is decided here and nowhere else: a patient can only wait and talk to the
 * one staff member who called them in; staff (a valid session cookie when the WebSocket opened)
 * see the queue and call one patient at a time; a `consultSignal` goes to the other side of the
 * sender's own call and to no one else. Nothing is logged about patients, labels or addresses.
 */
import { randomBytes } from "node:crypto";
import type { ClientMessage, ErrorCode, IceServer, RoomName, ServerMessage } from "../protocol/messages.js";
import { CONSULTATION_ROOM_PREFIX } from "../meeting/admission.js";
import type { KeyedBuckets } from "../common/per-key.js";
import type { Logger } from "../common/log.js";
import type { Appointments } from "./appointments.js";
import { PracticeQueue, type Waiting } from "./queue.js";
import { Invitations } from "./invitations.js";

export type ConsultationMessage = Extract<ClientMessage, { type: `consult${string}` }>;

export interface ConsultationLink {
  send(message: ServerMessage): void;
}

export interface ConsultationConnection {
  handle(message: ConsultationMessage): void;
  /** The WebSocket closed. */
  close(): void;
}

export interface HubOptions {
  appointments: Appointments;
  practiceName: () => string;
  /** STUN/TURN servers with fresh TURN credentials, for each side of a call. */
  iceServers: () => IceServer[];
  /** The staff member a Cookie header's session names, if it is valid. */
  staffOf: (cookieHeader: string | undefined) => string | undefined;
  /** An invitation key into a consultation's room (src/meeting/moderator-keys.ts): each of the three gets one. */
  roomKey: (room: RoomName) => string;
  /** Attempts to wait with a code (or join with an invitation), per address group: typed codes are short. */
  codeAttempts: KeyedBuckets;
  log: Logger;
  now?: () => number;
}

class Refusal extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export class ConsultationHub {
  readonly queue = new PracticeQueue();
  /** Patients waiting, by patient id. */
  private readonly patients = new Map<string, Peer>();
  /** Staff with the queue open. */
  private readonly staff = new Set<Peer>();
  /** Invitations of a third person, into the call they were made for. */
  private readonly invitations = new Invitations<Group>();
  private readonly now: () => number;

  constructor(private readonly options: HubOptions) {
    this.now = options.now ?? Date.now;
  }

  connect(link: ConsultationLink, address: string, cookieHeader: string | undefined): ConsultationConnection {
    const peer = new Peer(link, address, this.options.staffOf(cookieHeader));
    return {
      handle: (message) => {
        try {
          this.handle(peer, message);
        } catch (error) {
          if (error instanceof Refusal) return link.send({ type: "error", code: error.code, message: error.message, inReplyTo: message.type });
          // A bug must not take the server down: the message is dropped, the sender told.
          this.options.log.error({ inReplyTo: message.type, err: error instanceof Error ? error.message : String(error) }, "consultation message failed");
          link.send({ type: "error", code: "internal", message: "the server could not handle this message", inReplyTo: message.type });
        }
      },
      close: () => this.leave(peer),
    };
  }

  private handle(peer: Peer, message: ConsultationMessage): void {
    switch (message.type) {
      case "consultWait":
        return this.wait(peer, message);
      case "consultStaff":
        if (!peer.staffId) throw new Refusal("forbidden", "sign in as staff first");
        if (peer.patientId) throw new Refusal("out-of-order", "this connection waits as a patient");
        this.staff.add(peer);
        return peer.link.send({ type: "consultQueue", patients: this.queue.entries() });
      case "consultCall":
        return this.callIn(peer, message.patient);
      // SDP and candidates, and the call's identity and sealed media keys: to the other side only, unread.
      case "consultSignal":
      case "consultKey":
        if (!peer.call) throw new Refusal("out-of-order", "not in a call");
        return peer.call.link.send(message);
      case "consultHangUp":
        if (peer.guestOf) return this.guestLeft(peer, true);
        if (!peer.call) throw new Refusal("out-of-order", "not in a call");
        return this.hangUp(peer);
      case "consultHold":
        if (!peer.staffId || !this.staff.has(peer)) throw new Refusal("forbidden", "only staff put a patient back on hold");
        if (!peer.call) throw new Refusal("out-of-order", "not in a call");
        peer.link.send({ type: "consultEnded" });
        return this.backToQueue(peer);
      case "consultNotice":
        return this.waitingPatient(peer, message.patient).link.send({ type: "consultNotice", text: message.text });
      case "consultTurnAway": {
        const patient = this.waitingPatient(peer, message.patient);
        this.queue.take(message.patient);
        this.patients.delete(message.patient);
        patient.done = true;
        if (patient.waiting) this.options.appointments.remove(patient.waiting.appointmentId);
        patient.link.send({ type: "consultEnded" });
        return this.queueChanged();
      }
      case "consultInvite":
        return this.invite(peer);
      case "consultGuest":
        return this.admitGuest(peer, message);
      case "consultRemoveGuest": {
        const guest = this.staff.has(peer) ? peer.group?.guest : undefined;
        if (!guest) throw new Refusal("out-of-order", "no third person takes part in your call");
        return this.guestLeft(guest, true);
      }
    }
  }

  private wait(peer: Peer, message: Extract<ConsultationMessage, { type: "consultWait" }>): void {
    if (peer.patientId || peer.staffId) throw new Refusal("out-of-order", "this connection already waits or is staff");
    if (!this.options.codeAttempts.take(peer.address)) throw new Refusal("rate-limited", "too many attempts from your network; wait a minute");
    const found = this.options.appointments.lookup(message.code, this.now());
    if (!found.ok) {
      const why = { unknown: "this appointment code is not valid (any more)", "not-yet": "this appointment has not opened yet", "in-use": "this appointment is already in use" };
      throw new Refusal("appointment-invalid", why[found.reason]);
    }
    const { appointment } = found;
    this.options.appointments.setState(appointment.id, "waiting");
    const entry: Waiting = {
      id: randomBytes(9).toString("base64url"),
      appointmentId: appointment.id,
      label: appointment.label,
      name: message.name ?? "",
      startsAt: appointment.startsAt,
      since: this.now(),
      checked: message.checked,
      e2ee: message.e2ee,
    };
    peer.patientId = entry.id;
    peer.waiting = entry;
    this.patients.set(entry.id, peer);
    this.queue.add(entry);
    this.queueChanged();
  }

  /** A patient in the queue, for a staff member with the queue open. */
  private waitingPatient(staff: Peer, patientId: string): Peer {
    if (!staff.staffId || !this.staff.has(staff)) throw new Refusal("forbidden", "only staff with the queue open act on patients");
    const patient = this.queue.position(patientId) ? this.patients.get(patientId) : undefined;
    if (!patient) throw new Refusal("unknown-participant", "this patient no longer waits");
    return patient;
  }

  private callIn(peer: Peer, patientId: string): void {
    const patient = this.waitingPatient(peer, patientId);
    if (peer.call) throw new Refusal("out-of-order", "hang up first");
    const entry = this.queue.take(patientId)!;
    this.options.appointments.setState(entry.appointmentId, "in-call");
    peer.call = patient;
    patient.call = peer;
    this.connectDirectly(peer, patient);
    this.queueChanged();
  }

  /** Staff and patient connect to each other directly (a call begins, or the third person left). */
  private connectDirectly(staff: Peer, patient: Peer): void {
    // Each side gets its own TURN credential.
    const who = [patient.waiting?.label, patient.waiting?.name].filter(Boolean).join(" · ");
    staff.link.send({ type: "consultConnect", offerer: true, iceServers: this.options.iceServers(), other: who });
    patient.link.send({ type: "consultConnect", offerer: false, iceServers: this.options.iceServers(), other: this.options.practiceName() });
  }

  // --- A third person (docs/consultation.md): the call moves to a media-server room and back ---

  /** Staff in a call get an invitation link's token for a third person. */
  private invite(staff: Peer): void {
    if (!staff.staffId || !this.staff.has(staff) || !staff.call) throw new Refusal("out-of-order", "invite a third person during a call");
    // The room admits only browsers that encrypt end to end: the patient's said in the queue whether it can.
    if (!staff.call.waiting?.e2ee) throw new Refusal("e2ee-required", "the patient's browser cannot encrypt end to end, which a call with a third person needs");
    const group = (staff.group ??= { staff, patient: staff.call });
    staff.call.group = group;
    const invitation = this.invitations.create(group, this.now());
    if (!invitation) throw new Refusal("rate-limited", "too many invitations are open; try again in a few minutes");
    staff.link.send({ type: "consultInvitation", ...invitation });
  }

  /** The third person arrives: all three get the same new room and a key each; the direct call ends once the room plays. */
  private admitGuest(peer: Peer, message: Extract<ConsultationMessage, { type: "consultGuest" }>): void {
    if (peer.patientId || peer.guestOf || this.staff.has(peer)) throw new Refusal("out-of-order", "this connection already waits, takes part or is staff");
    if (!this.options.codeAttempts.take(peer.address)) throw new Refusal("rate-limited", "too many attempts from your network; wait a minute");
    const group = this.invitations.lookup(message.code, this.now());
    if (!group) throw new Refusal("appointment-invalid", "this invitation is not valid (any more): the call has ended or the link is too old");
    if (group.guest) throw new Refusal("appointment-invalid", "someone else takes part with an invitation to this call now");
    group.guest = peer;
    peer.guestOf = group;
    // A fresh room each time: none outlives one third person's visit.
    const room = `${CONSULTATION_ROOM_PREFIX}${randomBytes(16).toString("base64url")}`;
    for (const each of [group.staff, group.patient, peer]) each.link.send({ type: "consultRoom", room, key: this.options.roomKey(room) });
  }

  /** The third person hung up or dropped: staff and patient go back to a direct call (they leave the room once it plays). */
  private guestLeft(guest: Peer, told: boolean): void {
    const group = guest.guestOf!;
    guest.guestOf = undefined;
    if (told) guest.link.send({ type: "consultEnded" });
    if (group.guest !== guest) return;
    group.guest = undefined;
    this.connectDirectly(group.staff, group.patient);
  }

  /** The call between staff and patient closes: invitations into it stop working, a third person's part ends. */
  private closeCall(staff: Peer, patient: Peer): void {
    staff.call = patient.call = undefined;
    const group = staff.group;
    staff.group = patient.group = undefined;
    if (!group) return;
    this.invitations.forget(group);
    if (group.guest) {
      group.guest.guestOf = undefined;
      group.guest.link.send({ type: "consultEnded" });
    }
  }
  // ------------------------------------------------------------------------------------------------

  /** The consultation is over: both hear it, the appointment is forgotten, the staff member sees the queue again. */
  private hangUp(peer: Peer): void {
    const other = peer.call!;
    const [staff, patient] = peer.patientId ? [other, peer] : [peer, other];
    this.closeCall(staff, patient);
    patient.done = true;
    this.patients.delete(patient.patientId!);
    if (patient.waiting) this.options.appointments.remove(patient.waiting.appointmentId);
    patient.link.send({ type: "consultEnded" });
    staff.link.send({ type: "consultEnded" });
    staff.link.send({ type: "consultQueue", patients: this.queue.entries() });
  }

  private leave(peer: Peer): void {
    if (peer.patientId && !peer.done) {
      const staff = peer.call;
      if (staff) {
        this.closeCall(staff, peer);
        staff.link.send({ type: "consultEnded" });
      }
      // A patient whose page closed may come back with the same link while its window is open.
      this.queue.take(peer.patientId);
      this.patients.delete(peer.patientId);
      if (peer.waiting) this.options.appointments.setState(peer.waiting.appointmentId, "open");
      this.queueChanged();
    }
    // The staff side dropped mid-call: the patient goes back to the queue, at their old place.
    if (this.staff.delete(peer) && peer.call) this.backToQueue(peer);
    if (peer.guestOf) this.guestLeft(peer, false);
  }

  /**
   * Put back on hold (or the staff side dropped): the call closes and the patient waits again with
   * their first arrival time, so they keep their place; any staff member may call them in again.
   */
  private backToQueue(staff: Peer): void {
    const patient = staff.call!;
    this.closeCall(staff, patient);
    if (!patient.waiting) return;
    this.options.appointments.setState(patient.waiting.appointmentId, "waiting");
    this.queue.add(patient.waiting);
    patient.link.send({ type: "consultHeld" });
    this.queueChanged();
  }

  /** Everyone waiting hears their place; every staff member sees the queue. */
  private queueChanged(): void {
    const practice = this.options.practiceName();
    for (const id of this.queue.ids()) {
      this.patients.get(id)?.link.send({ type: "consultWaiting", practice, position: this.queue.position(id)! });
    }
    const patients = this.queue.entries();
    for (const staff of this.staff) staff.link.send({ type: "consultQueue", patients });
  }
}

/** A call a third person was invited to: its two sides, and the third person while they take part. */
interface Group {
  staff: Peer;
  patient: Peer;
  guest?: Peer;
}

class Peer {
  patientId: string | undefined;
  waiting: Waiting | undefined;
  /** The other side of this peer's call. */
  call: Peer | undefined;
  /** Staff and patient of a call with invitations: the call's third person (if any). */
  group: Group | undefined;
  /** A third person: the call they take part in. */
  guestOf: Group | undefined;
  /** A patient whose consultation ended: their appointment is gone. */
  done = false;

  constructor(
    readonly link: ConsultationLink,
    readonly address: string,
    readonly staffId: string | undefined,
  ) {}
}

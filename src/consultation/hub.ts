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
import type { ClientMessage, ErrorCode, IceServer, ServerMessage } from "../protocol/messages.js";
import type { KeyedBuckets } from "../common/per-key.js";
import type { Logger } from "../common/log.js";
import type { Appointments } from "./appointments.js";
import { PracticeQueue, type Waiting } from "./queue.js";

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
  /** Attempts to wait with a code, per address group: typed codes are short. */
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
    // Each side gets its own TURN credential.
    const who = [entry.label, entry.name].filter(Boolean).join(" · ");
    peer.link.send({ type: "consultConnect", offerer: true, iceServers: this.options.iceServers(), other: who });
    patient.link.send({ type: "consultConnect", offerer: false, iceServers: this.options.iceServers(), other: this.options.practiceName() });
    this.queueChanged();
  }

  /** The consultation is over: both hear it, the appointment is forgotten, the staff member sees the queue again. */
  private hangUp(peer: Peer): void {
    const other = peer.call!;
    const [staff, patient] = peer.patientId ? [other, peer] : [peer, other];
    staff.call = patient.call = undefined;
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
        staff.call = undefined;
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
  }

  /**
   * Put back on hold (or the staff side dropped): the call closes and the patient waits again with
   * their first arrival time, so they keep their place; any staff member may call them in again.
   */
  private backToQueue(staff: Peer): void {
    const patient = staff.call!;
    staff.call = patient.call = undefined;
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

class Peer {
  patientId: string | undefined;
  waiting: Waiting | undefined;
  /** The other side of this peer's call. */
  call: Peer | undefined;
  /** A patient whose consultation ended: their appointment is gone. */
  done = false;

  constructor(
    readonly link: ConsultationLink,
    readonly address: string,
    readonly staffId: string | undefined,
  ) {}
}

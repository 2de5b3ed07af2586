/**
 * Appointments, held in memory only (docs/consultation.md): a staff member creates one and hands
 * the patient a link (a long random token) or a short code to type (8 digits). Either works
 * from a quarter of an hour before the appointment until its window closes; then the server
 * forgets it. Nothing here is written anywhere: a restart forgets every appointment.
 *
 * Pure logic over plain data, with the clock and the random source passed in (unit-tested).
 */
import { randomBytes, randomInt } from "node:crypto";

/** Patients may come this early. */
export const EARLY_ARRIVAL_MS = 15 * 60 * 1000;
/** The longest window staff may give an appointment. */
export const MAX_WINDOW_MINUTES = 12 * 60;
/** Appointments held at once, so that no one fills the server's memory. */
export const MAX_APPOINTMENTS = 5_000;

export type AppointmentState = "open" | "waiting" | "in-call";

export interface Appointment {
  id: string;
  /** In the link: 128 random bits. */
  token: string;
  /** To type: 8 digits. */
  code: string;
  label: string;
  startsAt: number;
  /** From when the link works. */
  opensAt: number;
  /** Until when the link works. */
  closesAt: number;
  state: AppointmentState;
}

export interface NewAppointment {
  label: string;
  startsAt: number;
  minutes: number;
}

export interface RandomSource {
  token(): string;
  code(): string;
}

export const cryptoRandom: RandomSource = {
  token: () => randomBytes(16).toString("base64url"),
  code: () => String(randomInt(0, 100_000_000)).padStart(8, "0"),
};

export type LookupResult = { ok: true; appointment: Appointment } | { ok: false; reason: "unknown" | "not-yet" | "in-use" };

export class Appointments {
  private readonly byId = new Map<string, Appointment>();
  private readonly byToken = new Map<string, Appointment>();
  private readonly byCode = new Map<string, Appointment>();

  constructor(private readonly random: RandomSource = cryptoRandom) {}

  get size(): number {
    return this.byId.size;
  }

  create(request: NewAppointment, now: number): Appointment | undefined {
    this.prune(now);
    if (this.byId.size >= MAX_APPOINTMENTS) return undefined;
    const minutes = Math.min(Math.max(1, Math.round(request.minutes)), MAX_WINDOW_MINUTES);
    let code = this.random.code();
    while (this.byCode.has(code)) code = this.random.code();
    const appointment: Appointment = {
      id: this.random.token(),
      token: this.random.token(),
      code,
      label: request.label,
      startsAt: request.startsAt,
      opensAt: request.startsAt - EARLY_ARRIVAL_MS,
      closesAt: request.startsAt + minutes * 60_000,
      state: "open",
    };
    this.byId.set(appointment.id, appointment);
    this.byToken.set(appointment.token, appointment);
    this.byCode.set(appointment.code, appointment);
    return appointment;
  }

  /**
   * The appointment a link token or typed code names, if a patient may wait with it now.
   * Expired, cancelled and finished ones are simply unknown (nothing tells them apart).
   */
  lookup(codeOrToken: string, now: number): LookupResult {
    this.prune(now);
    const appointment = this.byToken.get(codeOrToken) ?? this.byCode.get(codeOrToken);
    if (!appointment) return { ok: false, reason: "unknown" };
    if (now < appointment.opensAt) return { ok: false, reason: "not-yet" };
    if (appointment.state !== "open") return { ok: false, reason: "in-use" };
    return { ok: true, appointment };
  }

  setState(id: string, state: AppointmentState): void {
    const appointment = this.byId.get(id);
    if (appointment) appointment.state = state;
  }

  /** Cancelled, or the consultation is over: the link and code stop working at once. */
  remove(id: string): boolean {
    const appointment = this.byId.get(id);
    if (!appointment) return false;
    this.byId.delete(id);
    this.byToken.delete(appointment.token);
    this.byCode.delete(appointment.code);
    return true;
  }

  /** Forgets every appointment whose window has closed (unless its call still runs). */
  prune(now: number): void {
    for (const appointment of this.byId.values()) {
      if (appointment.closesAt <= now && appointment.state !== "in-call") this.remove(appointment.id);
    }
  }
}

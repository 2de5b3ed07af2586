/**
 * The video consultation's pure parts: appointments (windows, codes, one use), the practice
 * queue (order, places), the staff session cookie, the staff file, and the hub's rules of who
 * may reach whom, with fake connections (no sockets, no browser).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Appointments, EARLY_ARRIVAL_MS, MAX_APPOINTMENTS, type RandomSource } from "../../src/consultation/appointments.js";
import { PracticeQueue, type Waiting } from "../../src/consultation/queue.js";
import { StaffSessions, sessionCookieValue } from "../../src/consultation/staff-session.js";
import { StaffStore } from "../../src/consultation/staff-store.js";
import { ConsultationHub, type ConsultationMessage } from "../../src/consultation/hub.js";
import { runStaffCommand } from "../../src/consultation/cli.js";
import { KeyedBuckets } from "../../src/common/per-key.js";
import type { ServerMessage } from "../../src/protocol/messages.js";

const HOUR = 3600_000;
const T0 = Date.UTC(2026, 10, 28, 10, 0);

function counting(): RandomSource {
  let n = 0;
  return { token: () => `token-${++n}`, code: () => String(10_000_000 + (n++ % 3)) };
}

describe("Appointments", () => {
  test("a link or code works from a quarter of an hour before until the window closes, then is forgotten", () => {
    const appointments = new Appointments();
    const a = appointments.create({ label: "Frau M.", startsAt: T0, minutes: 30 }, T0 - HOUR)!;
    assert.match(a.token, /^[A-Za-z0-9_-]{22}$/);
    assert.match(a.code, /^\d{8}$/);
    assert.deepEqual(appointments.lookup(a.token, T0 - EARLY_ARRIVAL_MS - 1), { ok: false, reason: "not-yet" });
    assert.equal(appointments.lookup(a.token, T0 - EARLY_ARRIVAL_MS).ok, true);
    assert.equal(appointments.lookup(a.code, T0 + 29 * 60_000).ok, true);
    assert.deepEqual(appointments.lookup(a.code, T0 + 30 * 60_000), { ok: false, reason: "unknown" });
    assert.equal(appointments.size, 0, "an expired appointment is gone from memory");
  });

  test("one patient at a time; a finished or cancelled appointment is unknown", () => {
    const appointments = new Appointments();
    const a = appointments.create({ label: "", startsAt: T0, minutes: 30 }, T0)!;
    appointments.setState(a.id, "waiting");
    assert.deepEqual(appointments.lookup(a.token, T0), { ok: false, reason: "in-use" });
    appointments.setState(a.id, "open");
    assert.equal(appointments.lookup(a.token, T0).ok, true);
    assert.equal(appointments.remove(a.id), true);
    assert.deepEqual(appointments.lookup(a.token, T0), { ok: false, reason: "unknown" });
    assert.deepEqual(appointments.lookup(a.code, T0), { ok: false, reason: "unknown" });
    assert.deepEqual(appointments.lookup("forged-token-0000000000", T0), { ok: false, reason: "unknown" });
  });

  test("a call that runs past the window is not cut off; codes never collide; memory is capped", () => {
    const appointments = new Appointments(counting());
    const a = appointments.create({ label: "", startsAt: T0, minutes: 5 }, T0)!;
    const b = appointments.create({ label: "", startsAt: T0, minutes: 5 }, T0)!;
    assert.notEqual(a.code, b.code);
    appointments.setState(a.id, "in-call");
    appointments.prune(T0 + HOUR);
    assert.equal(appointments.size, 1);
    const many = new Appointments();
    for (let i = 0; i < MAX_APPOINTMENTS; i++) many.create({ label: "", startsAt: T0, minutes: 30 }, T0);
    assert.equal(many.create({ label: "", startsAt: T0, minutes: 30 }, T0), undefined);
  });
});

describe("PracticeQueue", () => {
  const entry = (id: string, since: number): Waiting => ({ id, appointmentId: `a-${id}`, label: "", name: "", startsAt: T0, since, checked: true, e2ee: true });

  test("patients wait in order of arrival; one called in leaves; one who comes back keeps their place", () => {
    const queue = new PracticeQueue();
    queue.add(entry("a", 1));
    queue.add(entry("b", 2));
    queue.add(entry("c", 3));
    assert.deepEqual(queue.ids(), ["a", "b", "c"]);
    const a = queue.take("a")!;
    assert.equal(queue.position("b"), 1);
    assert.equal(queue.take("a"), undefined);
    queue.add(a);
    assert.deepEqual(queue.ids(), ["a", "b", "c"]);
    assert.equal(queue.position("c"), 3);
    assert.ok(queue.entries().every((e) => !("appointmentId" in e)), "staff see no internal ids");
  });
});

describe("StaffSessions", () => {
  const sessions = new StaffSessions(Buffer.alloc(32, 7));

  test("a signed cookie names its staff member until it expires; a forged or altered one names nobody", () => {
    const value = sessions.issue("staff1", T0);
    assert.equal(sessions.verify(value, T0 + HOUR), "staff1");
    assert.equal(sessions.verify(value, T0 + 13 * HOUR), undefined);
    assert.equal(sessions.verify(value.replace("staff1", "staff2"), T0), undefined);
    assert.equal(new StaffSessions(Buffer.alloc(32, 8)).verify(value, T0), undefined);
    assert.equal(sessions.verify("s1.staff1.9999999999.AAAA", T0), undefined);
    assert.equal(sessions.verify(undefined, T0), undefined);
  });

  test("the cookie is HttpOnly and SameSite=Strict, Secure over https", () => {
    assert.match(sessions.cookie("v", false), /^treff_staff=v; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Strict$/);
    assert.match(sessions.cookie("v", true), /; Secure$/);
    assert.equal(sessionCookieValue("a=b; treff_staff=s1.x.1.y=; c=d"), "s1.x.1.y=");
  });
});

describe("StaffStore and the staff command", () => {
  test("an account gets a one-time enrolment token stored only as a hash; the file is private to its owner", () => {
    const dir = mkdtempSync(join(tmpdir(), "treff-staff-"));
    const store = new StaffStore(dir);
    const { account, token } = store.add("Dr. A", T0);
    const text = readFileSync(store.path, "utf8");
    assert.ok(!text.includes(token), "the token itself is not stored");
    assert.equal(statSync(store.path).mode & 0o077, 0, "only the owner may read the file");
    assert.equal(store.byEnrolmentToken(token, T0)?.id, account.id);
    assert.equal(store.byEnrolmentToken(token, T0 + 8 * 24 * HOUR), undefined, "expired after a week");
    store.addPasskey(account.id, { id: "cred", publicKey: "pk", counter: 0, createdAt: T0 });
    assert.equal(store.byEnrolmentToken(token, T0), undefined, "used up by the first passkey");
    assert.equal(store.byCredentialId("cred")?.account.id, account.id);
  });

  test("npm run staff: add prints an enrolment link; list, practice and remove work; bad use says how", () => {
    const dir = mkdtempSync(join(tmpdir(), "treff-staff-"));
    const env = { TREFF_DATA_DIR: dir, TREFF_PUBLIC_URL: "https://video.praxis.example" };
    const out: string[] = [];
    assert.equal(runStaffCommand(["add", "Dr.", "Muster"], env, (l) => out.push(l)), 0);
    assert.match(out.at(-1)!, /^https:\/\/video\.praxis\.example\/staff\/enrol#[A-Za-z0-9_-]{32}$/);
    assert.equal(runStaffCommand(["add", "Dr. Muster"], env, (l) => out.push(l)), 2, "no two accounts of one name");
    assert.equal(runStaffCommand(["practice", "Praxis", "Muster"], env, (l) => out.push(l)), 0);
    assert.equal(new StaffStore(dir).practiceName(), "Praxis Muster");
    runStaffCommand(["list"], env, (l) => out.push(l));
    assert.match(out.at(-1)!, /^Dr\. Muster\t0 passkey\(s\)\tenrolment link open$/);
    assert.equal(runStaffCommand(["remove", "Dr. Muster"], env, (l) => out.push(l)), 0);
    assert.equal(new StaffStore(dir).list().length, 0);
    assert.equal(runStaffCommand(["frobnicate"], env, (l) => out.push(l)), 2);
    assert.match(out.at(-1)!, /^usage:/);
  });
});

describe("ConsultationHub", () => {
  class FakeLink {
    readonly received: ServerMessage[] = [];
    send(message: ServerMessage): void {
      this.received.push(message);
    }
    last<T extends ServerMessage["type"]>(type: T): Extract<ServerMessage, { type: T }> | undefined {
      return this.received.filter((m): m is Extract<ServerMessage, { type: T }> => m.type === type).at(-1);
    }
  }

  function setUp() {
    const appointments = new Appointments();
    const hub = new ConsultationHub({
      appointments,
      practiceName: () => "Praxis Muster",
      iceServers: () => [{ urls: ["turn:turn.example.org"], username: "u", credential: "c" }],
      roomKey: (room) => `key-for-${room}`,
      staffOf: (cookie) => (cookie === "staff-cookie" ? "staff1" : undefined),
      codeAttempts: new KeyedBuckets(5, 0.001),
      log: { debug() {}, info() {}, warn() {}, error() {} },
      now: () => T0,
    });
    const join = (cookie?: string, address = "a1") => {
      const link = new FakeLink();
      const connection = hub.connect(link, address, cookie);
      return { link, connection, send: (m: ConsultationMessage) => connection.handle(m) };
    };
    const appointment = (label = "") => appointments.create({ label, startsAt: T0, minutes: 30 }, T0)!;
    return { hub, appointments, join, appointment };
  }

  test("patients wait and learn only their own place; staff see everyone; a call pairs exactly two", () => {
    const { join, appointment, appointments } = setUp();
    const staff = join("staff-cookie");
    const other = join("staff-cookie");
    staff.send({ type: "consultStaff" });
    other.send({ type: "consultStaff" });
    const first = join(undefined, "a1");
    const second = join(undefined, "a2");
    first.send({ type: "consultWait", code: appointment("Frau M.").token, name: "Maria", checked: true, e2ee: true });
    second.send({ type: "consultWait", code: appointment("Herr K.").code, checked: false, e2ee: false });
    assert.deepEqual(first.link.last("consultWaiting"), { type: "consultWaiting", practice: "Praxis Muster", position: 1 });
    assert.deepEqual(second.link.last("consultWaiting"), { type: "consultWaiting", practice: "Praxis Muster", position: 2 });
    assert.ok(first.link.received.every((m) => m.type === "consultWaiting"), "a patient hears nothing about others");
    const queue = staff.link.last("consultQueue")!.patients;
    assert.deepEqual(queue.map((p) => [p.label, p.name, p.checked, p.e2ee]), [["Frau M.", "Maria", true, true], ["Herr K.", "", false, false]]);

    staff.send({ type: "consultCall", patient: queue[0]!.id });
    assert.equal(staff.link.last("consultConnect")?.offerer, true);
    assert.equal(first.link.last("consultConnect")?.offerer, false);
    assert.deepEqual(other.link.last("consultQueue")!.patients.map((p) => p.label), ["Herr K."], "called in: gone from every list");
    assert.equal(second.link.last("consultWaiting")?.position, 1);

    // Signals go to the other side of the sender's own call, and nowhere else.
    const before = second.link.received.length;
    first.send({ type: "consultSignal", description: { type: "answer", sdp: "v=0\r\n" } });
    assert.deepEqual(staff.link.received.at(-1), { type: "consultSignal", description: { type: "answer", sdp: "v=0\r\n" } });
    assert.equal(second.link.received.length, before);
    assert.equal(other.link.received.filter((m) => m.type === "consultSignal").length, 0);
    // The call's identity and sealed media keys go the same way, unread; each side learns whom it talks to.
    assert.equal(staff.link.last("consultConnect")?.other, "Frau M. · Maria");
    assert.equal(first.link.last("consultConnect")?.other, "Praxis Muster");
    first.send({ type: "consultKey", keyId: 0, sealed: "c2VhbGVk" });
    assert.deepEqual(staff.link.received.at(-1), { type: "consultKey", keyId: 0, sealed: "c2VhbGVk" });
    assert.equal(second.link.received.length, before);

    // Hang-up: both hear it, the appointment is gone, the staff member sees the queue.
    staff.send({ type: "consultHangUp" });
    assert.equal(first.link.received.at(-1)?.type, "consultEnded");
    assert.equal(staff.link.received.at(-1)?.type, "consultQueue");
    assert.equal(appointments.size, 1, "only the second appointment remains");
  });

  test("a patient cannot call anyone in, signal without a call, or see the queue; a forged cookie is no staff", () => {
    const { join, appointment } = setUp();
    const patient = join();
    patient.send({ type: "consultWait", code: appointment().code, checked: true, e2ee: false });
    const errors = () => patient.link.received.filter((m) => m.type === "error").map((m) => (m as { code: string }).code);
    patient.send({ type: "consultStaff" });
    patient.send({ type: "consultCall", patient: "anyone" });
    patient.send({ type: "consultSignal", candidate: null });
    patient.send({ type: "consultHangUp" });
    patient.send({ type: "consultKey", publicKey: null });
    assert.deepEqual(errors(), ["forbidden", "forbidden", "out-of-order", "out-of-order", "out-of-order"]);
    const forged = join("forged-cookie");
    forged.send({ type: "consultStaff" });
    assert.equal(forged.link.last("error")?.code, "forbidden");
  });

  test("staff message one waiting patient or turn them away; patients can do neither", () => {
    const { join, appointment, appointments } = setUp();
    const staff = join("staff-cookie");
    staff.send({ type: "consultStaff" });
    const first = join(undefined, "a1");
    const second = join(undefined, "a2");
    first.send({ type: "consultWait", code: appointment().code, checked: true, e2ee: false });
    second.send({ type: "consultWait", code: appointment().code, checked: true, e2ee: false });
    const [a, b] = staff.link.last("consultQueue")!.patients;
    staff.send({ type: "consultNotice", patient: a!.id, text: "Wir sind gleich bei Ihnen." });
    assert.deepEqual(first.link.received.at(-1), { type: "consultNotice", text: "Wir sind gleich bei Ihnen." });
    assert.ok(!second.link.received.some((m) => m.type === "consultNotice"), "only the one patient hears it");
    second.send({ type: "consultNotice", patient: a!.id, text: "hello" });
    second.send({ type: "consultTurnAway", patient: a!.id });
    assert.deepEqual(second.link.received.filter((m) => m.type === "error").map((m) => (m as { code: string }).code), ["forbidden", "forbidden"]);
    staff.send({ type: "consultTurnAway", patient: b!.id });
    assert.equal(second.link.received.at(-1)?.type, "consultEnded");
    assert.deepEqual(staff.link.last("consultQueue")!.patients.map((p) => p.id), [a!.id]);
    assert.equal(appointments.size, 1, "the turned-away appointment is forgotten");
    staff.send({ type: "consultNotice", patient: b!.id, text: "too late" });
    assert.equal(staff.link.last("error")?.code, "unknown-participant");
  });

  test("wrong, used and in-use codes are refused alike; guessing is rate-limited per address", () => {
    const { join, appointment } = setUp();
    const a = appointment();
    join().send({ type: "consultWait", code: a.code, checked: true, e2ee: false });
    const second = join(undefined, "a2");
    second.send({ type: "consultWait", code: a.code, checked: true, e2ee: false });
    assert.equal(second.link.last("error")?.code, "appointment-invalid");
    const guesser = join(undefined, "a3");
    const codes: string[] = [];
    for (let i = 0; i < 7; i++) {
      guesser.send({ type: "consultWait", code: String(12_345_670 + i), checked: true, e2ee: false });
      codes.push(guesser.link.last("error")!.code);
    }
    assert.deepEqual(codes, [...Array(5).fill("appointment-invalid"), "rate-limited", "rate-limited"]);
  });

  test("a patient who closes the page frees their appointment; staff who drop mid-call send the patient back to the queue", () => {
    const { join, appointment } = setUp();
    const staff = join("staff-cookie");
    staff.send({ type: "consultStaff" });
    const a = appointment();
    const patient = join();
    patient.send({ type: "consultWait", code: a.code, checked: true, e2ee: false });
    patient.connection.close();
    assert.deepEqual(staff.link.last("consultQueue")?.patients, []);
    const back = join();
    back.send({ type: "consultWait", code: a.code, checked: true, e2ee: false });
    assert.equal(back.link.last("consultWaiting")?.position, 1, "the same link works again");
    staff.send({ type: "consultCall", patient: staff.link.last("consultQueue")!.patients[0]!.id });
    staff.connection.close();
    assert.equal(back.link.received.at(-2)?.type, "consultHeld");
    assert.equal(back.link.last("consultWaiting")?.position, 1, "waiting again");
  });
});

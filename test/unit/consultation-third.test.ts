/**
 * A third person in a consultation (docs/consultation.md, "A third person"): invitations held in
 * memory, and the hub moving a call to a media-server room when the third person arrives and
 * back to a direct call when they leave; who may do what, and what each side is told.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { ConsultationMessage } from "../../src/consultation/hub.js";
import { INVITATION_MS, Invitations, MAX_INVITATIONS } from "../../src/consultation/invitations.js";
import type { ServerMessage } from "../../src/protocol/messages.js";
import { T0, testHub } from "../helpers/consultation-hub.js";

describe("invitations", () => {
  test("a token names its call for a quarter of an hour, until the call is forgotten", () => {
    let n = 0;
    const invitations = new Invitations<string>(() => `token${++n}`);
    const a = invitations.create("call A", T0)!;
    const b = invitations.create("call B", T0)!;
    assert.deepEqual(a, { token: "token1", expiresAt: T0 + INVITATION_MS });
    assert.equal(invitations.lookup("token1", T0 + INVITATION_MS - 1), "call A");
    assert.equal(invitations.lookup("token1", T0 + INVITATION_MS), undefined, "expired at exactly its expiry");
    assert.equal(invitations.lookup("unknown", T0), undefined);
    invitations.forget("call B");
    assert.equal(invitations.lookup(b.token, T0), undefined);
    assert.equal(invitations.size, 0);
  });

  test("at most MAX_INVITATIONS are held", () => {
    let n = 0;
    const invitations = new Invitations<number>(() => `t${++n}`);
    for (let i = 0; i < MAX_INVITATIONS; i++) assert.ok(invitations.create(i, T0));
    assert.equal(invitations.create(-1, T0), undefined);
    assert.ok(invitations.create(-1, T0 + INVITATION_MS), "expired ones make room");
  });
});

describe("the hub: a third person", () => {
  function setUp() {
    const { join, appointments, now, advance } = testHub();
    /** Staff "anna" in a call with a patient "Frau M."; and the invitation's token. */
    const call = () => {
      const staff = join("anna");
      staff.send({ type: "consultStaff" });
      const patient = join();
      patient.send({ type: "consultWait", code: appointments.create({ label: "Frau M.", startsAt: T0, minutes: 60 }, now())!.code, checked: true, e2ee: true });
      staff.send({ type: "consultCall", patient: staff.last("consultQueue")!.patients.at(-1)!.id });
      staff.send({ type: "consultInvite" });
      return { staff, patient, token: staff.last("consultInvitation")!.token };
    };
    return { join, call, advance, appointments, now };
  }
  const refusal = (link: { last: (type: "error") => ServerMessage | undefined }) => link.last("error") as Extract<ServerMessage, { type: "error" }> | undefined;

  test("the third person arrives: all three get the same new reserved room and a key each; leaving brings the two back to a direct call", () => {
    const { join, call } = setUp();
    const { staff, patient, token } = call();
    assert.equal(staff.last("consultInvitation")?.expiresAt, T0 + INVITATION_MS);
    const guest = join();
    guest.send({ type: "consultGuest", code: token });
    const rooms = [staff, patient, guest].map((p) => p.last("consultRoom"));
    const room = rooms[0]!.room;
    assert.match(room, /^consult-[A-Za-z0-9_-]{22}$/);
    assert.deepEqual(rooms, [0, 1, 2].map(() => ({ type: "consultRoom", room, key: `key.${room}` })));

    const connects = staff.received.filter((m) => m.type === "consultConnect").length;
    guest.send({ type: "consultHangUp" });
    assert.deepEqual(guest.last("consultEnded"), { type: "consultEnded" });
    assert.equal(staff.received.filter((m) => m.type === "consultConnect").length, connects + 1, "a fresh direct call");
    assert.deepEqual(staff.last("consultConnect"), { type: "consultConnect", offerer: true, iceServers: [], other: "Frau M." });
    assert.deepEqual(patient.last("consultConnect"), { type: "consultConnect", offerer: false, iceServers: [], other: "Praxis Muster" });
    assert.equal(staff.last("consultEnded"), undefined, "the consultation goes on");

    // The same link works again while the call runs (an interpreter whose page closed comes back), in a new room.
    const again = join();
    again.send({ type: "consultGuest", code: token });
    assert.notEqual(again.last("consultRoom")?.room, room);
    // A dropped connection counts as leaving.
    again.close();
    assert.equal(patient.received.filter((m) => m.type === "consultConnect").length, connects + 2);
  });

  test("staff may end the third person's part (their room did not come up): the two go back to a direct call", () => {
    const { join, call } = setUp();
    const { staff, patient, token } = call();
    patient.send({ type: "consultRemoveGuest" });
    assert.equal(refusal(patient)?.code, "out-of-order", "only staff");
    staff.send({ type: "consultRemoveGuest" });
    assert.match(refusal(staff)!.message, /no third person/);
    const guest = join();
    guest.send({ type: "consultGuest", code: token });
    const connects = patient.received.filter((m) => m.type === "consultConnect").length;
    staff.send({ type: "consultRemoveGuest" });
    assert.deepEqual(guest.last("consultEnded"), { type: "consultEnded" });
    assert.equal(patient.received.filter((m) => m.type === "consultConnect").length, connects + 1);
    assert.equal(staff.last("consultEnded"), undefined, "the consultation goes on");
  });

  test("one third person at a time; the link dies with the call and after a quarter of an hour", () => {
    const { join, call, advance } = setUp();
    const { staff, token } = call();
    join().send({ type: "consultGuest", code: token });
    const second = join();
    second.send({ type: "consultGuest", code: token });
    assert.match(refusal(second)!.message, /someone else takes part/);
    assert.equal(second.last("consultRoom"), undefined);

    staff.send({ type: "consultHangUp" });
    const late = join();
    late.send({ type: "consultGuest", code: token });
    assert.equal(refusal(late)?.code, "appointment-invalid");

    const next = call();
    advance(INVITATION_MS);
    const tooLate = join();
    tooLate.send({ type: "consultGuest", code: next.token });
    assert.equal(refusal(tooLate)?.code, "appointment-invalid");
  });

  test("when the call ends, is put on hold, or a side drops, the third person's part ends too", () => {
    const { join, call } = setUp();
    for (const end of ["hang up", "hold", "patient drops", "staff drops"] as const) {
      const { staff, patient, token } = call();
      const guest = join();
      guest.send({ type: "consultGuest", code: token });
      if (end === "hang up") patient.send({ type: "consultHangUp" });
      if (end === "hold") staff.send({ type: "consultHold" });
      if (end === "patient drops") patient.close();
      if (end === "staff drops") staff.close();
      assert.deepEqual(guest.last("consultEnded"), { type: "consultEnded" }, end);
      // Their hanging up afterwards changes nothing for the others.
      const before = patient.received.length;
      guest.send({ type: "consultHangUp" });
      assert.equal(patient.received.length, before, end);
    }
  });

  test("who may do what: only staff in a call invite; a third person cannot signal, invite or wait", () => {
    const { join, call, appointments, now } = setUp();
    const { staff, patient, token } = call();
    patient.send({ type: "consultInvite" });
    assert.equal(refusal(patient)?.code, "out-of-order");
    const idle = join("ben");
    idle.send({ type: "consultStaff" });
    idle.send({ type: "consultInvite" });
    assert.equal(refusal(idle)?.code, "out-of-order");
    // Staff with the queue open cannot join as a third person on the same connection.
    staff.send({ type: "consultGuest", code: token });
    assert.equal(refusal(staff)?.code, "out-of-order");

    const guest = join();
    guest.send({ type: "consultGuest", code: token });
    const before = [staff.received.length, patient.received.length];
    for (const message of [
      { type: "consultSignal", candidate: null },
      { type: "consultKey", publicKey: null },
      { type: "consultInvite" },
      { type: "consultWait", code: "12345678", checked: true, e2ee: true },
      { type: "consultGuest", code: token },
    ] as ConsultationMessage[]) {
      guest.send(message);
      assert.ok(refusal(guest), message.type);
    }
    assert.deepEqual([staff.received.length, patient.received.length], before, "nothing reached the others");
    // A patient whose browser cannot encrypt end to end could not enter the room: no invitation.
    const other = join("ben");
    other.send({ type: "consultStaff" });
    const plain = join();
    plain.send({ type: "consultWait", code: appointments.create({ label: "Herr K.", startsAt: T0, minutes: 60 }, now())!.code, checked: true, e2ee: false });
    other.send({ type: "consultCall", patient: other.last("consultQueue")!.patients.at(-1)!.id });
    other.send({ type: "consultInvite" });
    assert.equal(refusal(other)?.code, "e2ee-required");
    assert.equal(other.last("consultInvitation"), undefined);
    const wrong = join();
    wrong.send({ type: "consultGuest", code: "not-a-token" });
    assert.match(refusal(wrong)!.message, /not valid/);
  });
});

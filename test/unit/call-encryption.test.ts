/**
 * The consultation call's end-to-end encryption (CallEncryption) in Node's WebCrypto, the two
 * sides wired back to back through a relay the test controls, each with a recording frame worker:
 * both decide the same way whether the call encrypts, media keys reach the other side's worker
 * only sealed, chat is sealed, and a relay that swaps an identity key is caught by the safety code.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { ClientMessageInput, ServerMessageOf } from "../../src/protocol/messages.js";
import { CallEncryption } from "../../src/client/consultation/call-encryption.js";
import { createIdentity } from "../../src/client/e2ee/keys.js";
import { eventually, RecordingWorker } from "../fakes/e2ee-people.js";

type Key = ServerMessageOf<"consultKey">;

/** Staff and patient, each `consultKey` passed to the other through `relay` (which may change it). */
function call(options: { patientCanEncrypt?: boolean; relay?: (message: Key, toStaff: boolean) => Key } = {}) {
  const relay = options.relay ?? ((m) => m);
  const workers = { staff: new RecordingWorker(), patient: new RecordingWorker() };
  const sides: { staff?: CallEncryption; patient?: CallEncryption } = {};
  const wire = (toStaff: boolean) => (message: ClientMessageInput) => {
    if (message.type !== "consultKey") return;
    const target = toStaff ? sides.staff : sides.patient;
    // Delivered later, as over a socket.
    setTimeout(() => target!.receive(relay(message as Key, toStaff)), 0);
  };
  sides.staff = new CallEncryption(true, "Frau M.", wire(false), () => {}, () => workers.staff);
  sides.patient = new CallEncryption(false, "Praxis Muster", wire(true), () => {}, () => (options.patientCanEncrypt === false ? undefined : workers.patient));
  return { staff: sides.staff, patient: sides.patient, workers };
}

test("both sides can encrypt: the call encrypts, each worker gets the other's key, both see the same safety code", async () => {
  const { staff, patient, workers } = call();
  assert.deepEqual(await Promise.all([staff.ready, patient.ready]), [true, true]);
  assert.equal(staff.mode(), "encrypting");
  assert.equal(patient.mode(), "encrypting");
  await eventually("keys on both sides", () => staff.peerState() === "encrypted" && patient.peerState() === "encrypted");
  assert.ok(workers.staff.keysFrom("patient").length >= 1 && workers.patient.keysFrom("staff").length >= 1);
  assert.ok(staff.frames && patient.frames, "frames go through the worker");
  const [a, b] = await Promise.all([staff.safetyCode(), patient.safetyCode()]);
  assert.match(a ?? "", /^(\d{5} ){11}\d{5}$/);
  assert.equal(a, b);

  // Chat is sealed; a plain message is not shown while the call encrypts.
  const sealed = await staff.sealChat("Guten Tag");
  assert.ok("sealedChat" in sealed && !JSON.stringify(sealed).includes("Guten Tag"));
  assert.equal(await patient.openChat(sealed), "Guten Tag");
  assert.equal(await patient.openChat(sealed), undefined, "the same sealed message again is not shown twice");
  assert.equal(await patient.openChat({ chat: "plain" }), undefined);

  staff.markVerified();
  assert.equal(staff.peerState(), "verified");
  staff.close();
  patient.close();
});

test("a browser that cannot encrypt: neither side encrypts frames, both say so, chat goes plain", async () => {
  const { staff, patient } = call({ patientCanEncrypt: false });
  assert.deepEqual(await Promise.all([staff.ready, patient.ready]), [false, false]);
  assert.equal(staff.mode(), "off");
  assert.equal(patient.mode(), "unsupported");
  assert.equal(staff.peerState(), "unencrypted");
  assert.equal(staff.frames, undefined);
  assert.equal(staff.safetyCode(), undefined);
  assert.deepEqual(await staff.sealChat("Hallo"), { chat: "Hallo" });
  assert.equal(await patient.openChat({ chat: "Hallo" }), "Hallo");
});

test("a relay that swaps the patient's identity key for its own is caught by the safety code", async () => {
  const attacker = await createIdentity();
  const { staff, patient } = call({
    relay: (message, toStaff) => (toStaff && message.publicKey ? { ...message, publicKey: attacker.publicKey } : message),
  });
  await Promise.all([staff.ready, patient.ready]);
  const [a, b] = await Promise.all([staff.safetyCode(), patient.safetyCode()]);
  assert.notEqual(a, b, "the two sides see different digits");
  // And the patient's real sealed key does not open for the staff side under the swapped key.
  await eventually("the staff side to notice", () => staff.peerState() === "failed");
  staff.close();
  patient.close();
});

/**
 * The video consultation's HTTP and WebSocket side against a real server: appointments only for
 * signed-in staff and only from this origin, the queue and a call's relay over the signaling
 * WebSocket, and bad input (forged sessions, wrong, cancelled and reused codes, a meeting
 * connection trying the consultation) refused with clear errors.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestServer } from "../helpers/server.js";
import { TestClient } from "./client.js";
import { addresses, connectFrom, newRoom, signalingUrl, useServerBehindProxy } from "./server.js";

let server: TestServer;
const dataDir = mkdtempSync(join(tmpdir(), "treff-consultation-"));
useServerBehindProxy((s) => (server = s), { meetings: { lobby: false }, consultation: { dataDir }, operator: { name: "Praxis Muster", contact: "praxis@example.org" } });
const nextAddress = addresses("198.51.100");

/** A signed-in staff member's Cookie header (the account made as the operator's command would). */
function staffCookie(name = "Dr. A"): string {
  const { account } = server.consultation.store.add(name);
  return `treff_staff=${server.consultation.sessions.issue(account.id)}`;
}

async function createAppointment(cookie: string, body: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}/api/consultation/appointments`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie, ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as { code: string; link: string; id: string; error?: string } };
}

const tokenOf = (link: string) => link.split("#")[1]!;

test("the consultation's pages are served, and the practice's name is public", async () => {
  for (const path of ["/staff", "/staff/enrol", "/sprechstunde"]) {
    const response = await fetch(`${server.url}${path}`);
    assert.equal(response.status, 200, path);
    assert.match(await response.text(), /consultation\.js/);
  }
  assert.deepEqual(await (await fetch(`${server.url}/api/consultation/practice`)).json(), { name: "Praxis Muster", oidc: false });
});

test("appointments: only for a valid staff session, only from this origin; bad bodies get 400", async () => {
  assert.equal((await createAppointment("")).status, 401);
  assert.equal((await createAppointment("treff_staff=s1.nobody.9999999999.forged")).status, 401);
  const cookie = staffCookie();
  assert.equal((await createAppointment(cookie, {}, { origin: "https://evil.example" })).status, 403);
  assert.equal((await createAppointment(cookie, { minutes: "many" })).status, 400);
  const { status, body } = await createAppointment(cookie, { label: "Frau M." });
  assert.equal(status, 200);
  assert.match(body.code, /^\d{8}$/);
  assert.match(body.link, /\/sprechstunde#[A-Za-z0-9_-]{22}$/);
  const me = await fetch(`${server.url}/api/staff/me`, { headers: { cookie } });
  assert.equal(((await me.json()) as { name: string }).name, "Dr. A");
});

test("passkey endpoints refuse unknown enrolment links and unverifiable credentials without harm", async () => {
  const post = (path: string, body: unknown) => fetch(`${server.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  assert.equal((await post("/api/staff/enrol/options", { token: "no-such-token-000" })).status, 404);
  assert.equal((await post("/api/staff/enrol/verify", { token: "no-such-token-000", response: { id: "x" } })).status, 404);
  assert.equal((await post("/api/staff/login/verify", { response: { id: "unknown-credential" } })).status, 401);
  assert.equal((await post("/api/staff/login/verify", { nonsense: true })).status, 401);
  const options = (await (await post("/api/staff/login/options", {})).json()) as { challenge: string; rpId: string };
  assert.match(options.challenge, /^[A-Za-z0-9_-]{20,}$/);
  assert.equal(options.rpId, "127.0.0.1");
});

test("a patient waits, staff call them in, signals pass between the two only, hang-up ends it and the link is used up", async () => {
  const cookie = staffCookie("Dr. B");
  const { body: appointment } = await createAppointment(cookie, { label: "Frau M." });
  const staff = await TestClient.connect(signalingUrl(server), { headers: { cookie, "x-forwarded-for": nextAddress() } });
  staff.send({ type: "consultStaff" });
  assert.deepEqual((await staff.next("consultQueue")).patients, []);

  const patient = await connectFrom(server, nextAddress());
  patient.send({ type: "consultWait", code: tokenOf(appointment.link), name: "Maria", checked: true });
  assert.deepEqual(await patient.next("consultWaiting"), { type: "consultWaiting", practice: "Praxis Muster", position: 1 });
  const [entry] = (await staff.next("consultQueue", { where: (m) => m.patients.length === 1 })).patients;
  assert.equal(entry?.label, "Frau M.");

  // Another patient waits, and hears nothing of the first one's call.
  const { body: second } = await createAppointment(cookie);
  const bystander = await connectFrom(server, nextAddress());
  bystander.send({ type: "consultWait", code: second.code, checked: false });
  assert.equal((await bystander.next("consultWaiting")).position, 2);

  staff.send({ type: "consultCall", patient: entry!.id });
  assert.equal((await staff.next("consultConnect")).offerer, true);
  assert.equal((await patient.next("consultConnect")).offerer, false);
  staff.send({ type: "consultSignal", description: { type: "offer", sdp: "v=0\r\n" } });
  assert.deepEqual(await patient.next("consultSignal"), { type: "consultSignal", description: { type: "offer", sdp: "v=0\r\n" } });
  assert.equal((await bystander.next("consultWaiting")).position, 1);
  await bystander.expectNone("consultSignal", [staff, patient]);

  patient.send({ type: "consultHangUp" });
  await staff.next("consultEnded");
  await patient.next("consultEnded");
  const reuse = await connectFrom(server, nextAddress());
  reuse.send({ type: "consultWait", code: tokenOf(appointment.link), checked: true });
  assert.equal((await reuse.next("error")).code, "appointment-invalid");
});

test("staff turn a waiting patient away: they hear it, leave every list, and their link is used up", async () => {
  const cookie = staffCookie("Dr. D");
  const { body } = await createAppointment(cookie);
  const staff = await TestClient.connect(signalingUrl(server), { headers: { cookie, "x-forwarded-for": nextAddress() } });
  staff.send({ type: "consultStaff" });
  await staff.next("consultQueue");
  const patient = await connectFrom(server, nextAddress());
  patient.send({ type: "consultWait", code: body.code, checked: true });
  await patient.next("consultWaiting");
  const [entry] = (await staff.next("consultQueue", { where: (m) => m.patients.length === 1 })).patients;
  staff.send({ type: "consultNotice", patient: entry!.id, text: "Wir sind gleich bei Ihnen." });
  assert.equal((await patient.next("consultNotice")).text, "Wir sind gleich bei Ihnen.");
  staff.send({ type: "consultTurnAway", patient: entry!.id });
  await patient.next("consultEnded");
  await staff.next("consultQueue", { where: (m) => m.patients.length === 0 });
  const again = await connectFrom(server, nextAddress());
  again.send({ type: "consultWait", code: body.code, checked: true });
  assert.equal((await again.next("error")).code, "appointment-invalid");
});

test("a cancelled appointment is refused; so are forged codes, and guessing is rate-limited", async () => {
  const cookie = staffCookie("Dr. C");
  const { body } = await createAppointment(cookie);
  const cancel = await fetch(`${server.url}/api/consultation/appointments/${body.id}`, { method: "DELETE", headers: { cookie } });
  assert.equal(cancel.status, 200);
  const patient = await connectFrom(server, nextAddress());
  patient.send({ type: "consultWait", code: body.code, checked: true });
  const error = await patient.next("error");
  assert.deepEqual([error.code, error.inReplyTo], ["appointment-invalid", "consultWait"]);
  const codes: string[] = [];
  for (let i = 0; i < 12; i++) {
    patient.send({ type: "consultWait", code: String(10_000_000 + i), checked: true });
    codes.push((await patient.next("error")).code);
  }
  assert.ok(codes.includes("rate-limited"), codes.join(","));
});

test("without a staff session no one sees the queue or calls anyone in; a meeting connection stays out of the consultation", async () => {
  const stranger = await connectFrom(server, nextAddress());
  stranger.send({ type: "consultStaff" });
  assert.equal((await stranger.next("error")).code, "forbidden");
  stranger.send({ type: "consultCall", patient: "p1" });
  assert.equal((await stranger.next("error")).code, "forbidden");
  const forged = await TestClient.connect(signalingUrl(server), { headers: { cookie: "treff_staff=s1.x.9999999999.AAAA", "x-forwarded-for": nextAddress() } });
  forged.send({ type: "consultStaff" });
  assert.equal((await forged.next("error")).code, "forbidden");

  const member = await connectFrom(server, nextAddress());
  await member.join(newRoom(), "Ann");
  member.send({ type: "consultWait", code: "12345678", checked: true });
  assert.equal((await member.next("error")).code, "forbidden");
});

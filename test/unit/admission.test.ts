/** decideAdmission: every admission rule as a row. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { decideAdmission, type EntryFacts, type RoomFacts } from "../../src/meeting/admission.js";

const room = (change: Partial<RoomFacts> = {}): RoomFacts => ({ requiresE2ee: false, reserved: false, locked: false, lobby: true, waiting: 0, maxWaiting: 10, ...change });
const guest = (change: Partial<EntryFacts> = {}): EntryFacts => ({ moderatorKey: false, invited: false, canEncrypt: true, password: "none", ...change });
const kind = (r: Partial<RoomFacts>, e: Partial<EntryFacts>) => {
  const d = decideAdmission(room(r), guest(e));
  return d.kind === "refuse" ? d.code : d.kind === "enter" ? `enter as ${d.role}` : "knock";
};

test("admission rules", () => {
  const rows: [string, Partial<RoomFacts>, Partial<EntryFacts>, string][] = [
    ["a guest knocks", {}, {}, "knock"],
    ["without a lobby a guest comes straight in", { lobby: false }, {}, "enter as participant"],
    ["a moderator key skips the lobby", {}, { moderatorKey: true }, "enter as moderator"],
    ["a returning moderator (resume token) stays moderator", {}, { returningAs: "moderator" }, "enter as moderator"],
    ["a returning participant skips the lobby", {}, { returningAs: "participant" }, "enter as participant"],
    ["locked: a guest is refused", { locked: true }, {}, "locked"],
    ["locked: a moderator still comes in", { locked: true }, { moderatorKey: true }, "enter as moderator"],
    ["locked: a returning participant still comes back", { locked: true }, { returningAs: "participant" }, "enter as participant"],
    ["password missing", {}, { password: "missing" }, "password-required"],
    ["password wrong", {}, { password: "wrong" }, "wrong-password"],
    ["too many wrong passwords", {}, { password: "too-many" }, "too-many-attempts"],
    ["the right password, then the lobby", {}, { password: "right" }, "knock"],
    ["lock comes before the password", { locked: true }, { password: "wrong" }, "locked"],
    ["E2EE required: a browser that cannot encrypt is refused", { requiresE2ee: true }, { canEncrypt: false }, "e2ee-required"],
    ["E2EE required applies to moderators too", { requiresE2ee: true }, { canEncrypt: false, moderatorKey: true }, "e2ee-required"],
    ["E2EE required: a browser that encrypts knocks", { requiresE2ee: true }, {}, "knock"],
    ["a consultation's room refuses a guest without a key", { reserved: true, lobby: false }, {}, "forbidden"],
    ["a consultation's room refuses a guest even with its lobby on", { reserved: true }, {}, "forbidden"],
    ["a consultation's room lets the invited in as participants", { reserved: true }, { invited: true }, "enter as participant"],
    ["an invitation skips the lock and the password", { locked: true }, { invited: true, password: "missing" }, "enter as participant"],
    ["an invitation does not excuse a browser that cannot encrypt", { requiresE2ee: true, reserved: true }, { invited: true, canEncrypt: false }, "e2ee-required"],
    ["a consultation's room lets someone invited come back after a dropped connection", { reserved: true }, { returningAs: "participant" }, "enter as participant"],
    ["a full lobby refuses the next guest", { waiting: 10 }, {}, "lobby-full"],
    ["a full lobby does not stop a moderator", { waiting: 10 }, { moderatorKey: true }, "enter as moderator"],
    ["a full lobby does not matter without a lobby", { waiting: 10, lobby: false }, {}, "enter as participant"],
  ];
  for (const [what, r, e, expected] of rows) assert.equal(kind(r, e), expected, what);
});

/**
 * The lobby, roles, settings and chat of the pure Room: who is told what.
 * People in the lobby learn only whether a host is present; moderators
 * learn who is waiting; settings and chat go to members only.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Room, type Delivery } from "../../src/meeting/room.js";
import type { Role } from "../../src/protocol/messages.js";

const fresh = (id: string, name: string, role: Role = "participant") => ({ id, name, role, audio: true, video: true, publishing: false, screen: false, hand: null, publicKey: null });
const waiting = (...entries: [string, string][]) => ({ type: "lobbyChanged", waiting: entries.map(([id, name]) => ({ id, name, e2ee: true })) });
const lobby = (hostPresent: boolean) => ({ type: "lobby", hostPresent });
const knocked = (id: string, name: string, e2ee = true) => ({ type: "lobbyJoined", entry: { id, name, e2ee } });
const gone = (participantId: string) => ({ type: "lobbyLeft", participantId });

/** A room with moderator m (Mia) and participant p (Pat). */
function hostedRoom(): Room {
  const room = new Room();
  room.add("m", "Mia", "moderator");
  room.add("p", "Pat", "participant");
  return room;
}

/** The recipients of `deliveries`, in order. */
const recipients = (deliveries: Delivery[]) => deliveries.map((d) => d.to);

describe("Room.knock", () => {
  test("the knocker learns that a host is present; only the moderators learn who knocks", () => {
    const room = hostedRoom();
    room.add("n", "Noa", "moderator");
    assert.deepEqual(room.knock("g", "Gus", true), [
      { to: "g", message: lobby(true) },
      { to: "m", message: knocked("g", "Gus") },
      { to: "n", message: knocked("g", "Gus") },
    ]);
    assert.equal(room.isWaiting("g"), true);
    assert.equal(room.has("g"), false, "someone in the lobby is not a member");
    assert.equal(room.size, 2 + 1);
  });

  test("with no moderator present the knocker hears hostPresent false and nobody else is told", () => {
    const room = new Room();
    room.add("p", "Pat", "participant");
    assert.deepEqual(room.knock("g", "Gus", true), [{ to: "g", message: lobby(false) }]);
  });

  test("knocking into an empty room works (the room is not empty any more)", () => {
    const room = new Room();
    assert.equal(room.isEmpty, true);
    assert.deepEqual(room.knock("g", "Gus", true), [{ to: "g", message: lobby(false) }]);
    assert.equal(room.isEmpty, false);
    assert.equal(room.size, 0);
  });

  test("moderators hear of each knock alone (not the whole list again: no N² messages); a new moderator gets the list", () => {
    const room = hostedRoom();
    room.knock("g", "Gus", true);
    assert.deepEqual(room.knock("h", "Hal", true), [
      { to: "h", message: lobby(true) },
      { to: "m", message: knocked("h", "Hal") },
    ]);
    assert.deepEqual(room.waitingIds(), ["g", "h"]);
    const { deliveries } = room.add("n", "Noa", "moderator");
    assert.deepEqual(deliveries.find((d) => d.to === "n" && d.message.type === "lobbyChanged")?.message, waiting(["g", "Gus"], ["h", "Hal"]));
  });

  test("moderators see whose browser cannot encrypt end to end", () => {
    const room = hostedRoom();
    assert.deepEqual(room.knock("g", "Gus", false), [
      { to: "g", message: lobby(true) },
      { to: "m", message: knocked("g", "Gus", false) },
    ]);
  });

  test("people in the lobby never hear about other knocks", () => {
    const room = hostedRoom();
    room.knock("g", "Gus", true);
    assert.ok(!recipients(room.knock("h", "Hal", true)).includes("g"));
  });
});

describe("Room.unknock", () => {
  test("tells only the moderators who no longer waits", () => {
    const room = hostedRoom();
    room.knock("g", "Gus", true);
    room.knock("h", "Hal", true);
    assert.deepEqual(room.unknock("g"), [{ to: "m", message: gone("g") }]);
    assert.equal(room.isWaiting("g"), false);
    assert.deepEqual(room.waitingIds(), ["h"]);
  });

  test("unknocking someone not waiting does nothing", () => {
    const room = hostedRoom();
    assert.deepEqual(room.unknock("zed"), []);
    room.knock("g", "Gus", true);
    room.unknock("g");
    assert.deepEqual(room.unknock("g"), []);
  });

  test("the last one out of the lobby: the moderators hear that one left", () => {
    const room = hostedRoom();
    room.knock("g", "Gus", true);
    assert.deepEqual(room.unknock("g"), [{ to: "m", message: gone("g") }]);
  });
});

describe("host presence", () => {
  test("when the first moderator joins, everyone in the lobby hears hostPresent true", () => {
    const room = new Room();
    room.add("p", "Pat", "participant");
    room.knock("g", "Gus", true);
    room.knock("h", "Hal", true);
    const { deliveries } = room.add("m", "Mia", "moderator");
    assert.deepEqual(
      deliveries.filter((d) => d.message.type === "lobby"),
      [
        { to: "g", message: lobby(true) },
        { to: "h", message: lobby(true) },
      ],
    );
    // The new moderator sees who is waiting; nobody in the lobby hears about the moderator.
    assert.deepEqual(
      deliveries.filter((d) => d.to === "m"),
      [
        { to: "m", message: { type: "roomState", locked: false, passwordSet: false, multipleShares: false, e2eeRequired: false } },
        { to: "m", message: waiting(["g", "Gus"], ["h", "Hal"]) },
      ],
    );
    assert.deepEqual(
      deliveries.filter((d) => d.message.type === "participantJoined"),
      [{ to: "p", message: { type: "participantJoined", participant: fresh("m", "Mia", "moderator") } }],
    );
  });

  test("a second moderator joining does not tell the lobby again", () => {
    const room = hostedRoom();
    room.knock("g", "Gus", true);
    const { deliveries } = room.add("n", "Noa", "moderator");
    assert.ok(!recipients(deliveries).includes("g"), JSON.stringify(deliveries));
  });

  test("a participant joining does not tell the lobby", () => {
    const room = hostedRoom();
    room.knock("g", "Gus", true);
    assert.ok(!recipients(room.add("q", "Quinn", "participant").deliveries).includes("g"));
  });

  test("when the last moderator leaves, everyone in the lobby hears hostPresent false", () => {
    const room = hostedRoom();
    room.add("n", "Noa", "moderator");
    room.knock("g", "Gus", true);
    room.knock("h", "Hal", true);
    assert.ok(!recipients(room.remove("n")).includes("g"), "one moderator is still here");
    assert.deepEqual(room.remove("m"), [
      { to: "p", message: { type: "participantLeft", participantId: "m" } },
      { to: "g", message: lobby(false) },
      { to: "h", message: lobby(false) },
    ]);
    assert.equal(room.hostPresent, false);
  });

  test("a participant leaving does not tell the lobby", () => {
    const room = hostedRoom();
    room.knock("g", "Gus", true);
    assert.deepEqual(room.remove("p"), [{ to: "m", message: { type: "participantLeft", participantId: "p" } }]);
  });
});

describe("Room.promote", () => {
  test("everyone else sees the new role, the new moderator sees the lobby", () => {
    const room = hostedRoom();
    room.add("q", "Quinn", "participant");
    room.knock("g", "Gus", true);
    const updated = { type: "participantUpdated", participant: fresh("p", "Pat", "moderator") };
    assert.deepEqual(room.promote("p"), [
      { to: "m", message: updated },
      { to: "q", message: updated },
      { to: "p", message: waiting(["g", "Gus"]) },
    ]);
    assert.equal(room.isModerator("p"), true);
    assert.deepEqual(room.get("p"), fresh("p", "Pat", "moderator"));
  });

  test("the promoted moderator now hears about knocks", () => {
    const room = hostedRoom();
    room.promote("p");
    assert.deepEqual(recipients(room.knock("g", "Gus", true)), ["g", "m", "p"]);
  });

  test("promoting the first moderator tells the lobby a host is present", () => {
    const room = new Room();
    room.add("p", "Pat", "participant");
    room.knock("g", "Gus", true);
    assert.deepEqual(room.promote("p"), [
      { to: "p", message: waiting(["g", "Gus"]) },
      { to: "g", message: lobby(true) },
    ]);
  });

  test("promoting a moderator, someone absent or someone in the lobby does nothing", () => {
    const room = hostedRoom();
    room.knock("g", "Gus", true);
    assert.deepEqual(room.promote("m"), []);
    assert.deepEqual(room.promote("zed"), []);
    assert.deepEqual(room.promote("g"), []);
    assert.equal(room.isModerator("g"), false);
  });

  test("a promoted participant keeps its media state", () => {
    const room = hostedRoom();
    room.update("p", { audio: false, publishing: true });
    room.promote("p");
    assert.deepEqual(room.get("p"), { ...fresh("p", "Pat", "moderator"), audio: false, publishing: true });
  });
});

describe("Room.setState", () => {
  test("delivers roomState to the members only, never to the lobby", () => {
    const room = hostedRoom();
    room.knock("g", "Gus", true);
    const state = { type: "roomState", locked: true, passwordSet: false, multipleShares: false, e2eeRequired: false };
    assert.deepEqual(room.setState({ locked: true }), [
      { to: "m", message: state },
      { to: "p", message: state },
    ]);
    assert.equal(room.isLocked, true);
  });

  test("an omitted field keeps its value", () => {
    const room = hostedRoom();
    room.setState({ locked: true });
    const [first] = room.setState({ passwordSet: true });
    assert.deepEqual(first?.message, { type: "roomState", locked: true, passwordSet: true, multipleShares: false, e2eeRequired: false });
    const [second] = room.setState({ locked: false });
    assert.deepEqual(second?.message, { type: "roomState", locked: false, passwordSet: true, multipleShares: false, e2eeRequired: false });
    assert.equal(room.isLocked, false);
  });
});

describe("Room.chat", () => {
  test("goes to every member including the sender, with the sender's name, never to the lobby", () => {
    const room = hostedRoom();
    room.knock("g", "Gus", true);
    const message = { type: "chat", from: "p", name: "Pat", text: "hello", at: 1234 };
    assert.deepEqual(room.chat("p", { type: "chat", text: "hello" }, 1234), [
      { to: "m", message },
      { to: "p", message },
    ]);
  });

  test("someone in the lobby or absent cannot chat", () => {
    const room = hostedRoom();
    room.knock("g", "Gus", true);
    assert.deepEqual(room.chat("g", { type: "chat", text: "let me in" }, 1), []);
    assert.deepEqual(room.chat("zed", { type: "chat", text: "hi" }, 1), []);
  });

  test("a sealed message is relayed as it came, with the sender's name", () => {
    const room = hostedRoom();
    const message = { type: "sealedChat", keyId: 2, sealed: "c2VhbGVk", from: "p", name: "Pat", at: 5 };
    assert.deepEqual(room.chat("p", { type: "sealedChat", keyId: 2, sealed: "c2VhbGVk" }, 5), [
      { to: "m", message },
      { to: "p", message },
    ]);
  });
});

describe("Room.relayKeys", () => {
  test("each sealed key goes to the one participant it is for, from the sender", () => {
    const room = hostedRoom();
    room.add("q", "Quin");
    assert.deepEqual(room.relayKeys("p", 4, { m: "Zm9y_m", q: "Zm9y_q" }), {
      deliveries: [
        { to: "m", message: { type: "e2eeKey", from: "p", keyId: 4, sealed: "Zm9y_m" } },
        { to: "q", message: { type: "e2eeKey", from: "p", keyId: 4, sealed: "Zm9y_q" } },
      ],
      absent: [],
    });
  });

  test("nothing to someone in the lobby, absent or oneself (they are named), and nothing from the lobby", () => {
    const room = hostedRoom();
    room.knock("g", "Gus", true);
    assert.deepEqual(room.relayKeys("p", 0, { g: "x", zed: "x", p: "x", m: "x" }), {
      deliveries: [{ to: "m", message: { type: "e2eeKey", from: "p", keyId: 0, sealed: "x" } }],
      absent: ["g", "zed", "p"],
    });
    assert.deepEqual(room.relayKeys("g", 0, { p: "x" }), { deliveries: [], absent: ["p"] });
  });
});

describe("Room: E2EE", () => {
  test("a participant's public key reaches everyone with their record", () => {
    const room = new Room();
    room.add("a", "Ann");
    const { deliveries } = room.add("b", "Ben", "participant", PUBLIC_KEY);
    const joined = deliveries.find((d) => d.to === "a")?.message;
    assert.equal(joined?.type === "participantJoined" ? joined.participant.publicKey : undefined, PUBLIC_KEY);
    assert.equal(room.get("a")?.publicKey, null);
  });

  test("requiring E2EE is part of the room state everyone sees", () => {
    const room = hostedRoom();
    assert.equal(room.requiresE2ee, false);
    const deliveries = room.setState({ e2eeRequired: true });
    assert.equal(room.requiresE2ee, true);
    assert.ok(deliveries.every((d) => d.message.type === "roomState" && d.message.e2eeRequired));
    assert.equal(deliveries.length, 2);
  });
});

const PUBLIC_KEY = "BAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

describe("Room.everyone and Room.isEmpty", () => {
  test("everyone lists the members, then the lobby", () => {
    const room = hostedRoom();
    room.knock("g", "Gus", true);
    room.knock("h", "Hal", true);
    assert.deepEqual(room.everyone(), ["m", "p", "g", "h"]);
  });

  test("a room with only people in the lobby is not empty", () => {
    const room = hostedRoom();
    room.knock("g", "Gus", true);
    room.remove("m");
    room.remove("p");
    assert.equal(room.size, 0);
    assert.equal(room.isEmpty, false);
    room.unknock("g");
    assert.equal(room.isEmpty, true);
    assert.deepEqual(room.everyone(), []);
  });
});

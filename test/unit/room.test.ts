import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Room } from "../../src/meeting/room.js";
import type { Role } from "../../src/protocol/messages.js";

/** A participant as Room.add creates it. */
const fresh = (id: string, name: string, role: Role = "participant") => ({ id, name, role, audio: true, video: true, publishing: false, screen: false, hand: null, publicKey: null });

/** The settings every newcomer is told about, as a fresh room has them. */
const initialState = { type: "roomState", locked: false, passwordSet: false, multipleShares: false, e2eeRequired: false } as const;

/** A room with a, b and c (in that order), deliveries discarded. */
function roomOfThree(): Room {
  const room = new Room();
  room.add("a", "Ann", "participant");
  room.add("b", "Bob", "participant");
  room.add("c", "Cem", "participant");
  return room;
}

describe("Room.add", () => {
  test("the first participant sees nobody, tells nobody, and learns the room's settings", () => {
    const room = new Room();
    assert.deepEqual(room.add("a", "Ann", "participant"), { others: [], deliveries: [{ to: "a", message: initialState }] });
    assert.equal(room.size, 1);
    assert.equal(room.isEmpty, false);
    assert.equal(room.has("a"), true);
  });

  test("a newcomer learns who is here; everyone else learns about the newcomer", () => {
    const room = new Room();
    room.add("a", "Ann");
    room.add("b", "Bob");
    const message = { type: "participantJoined", participant: fresh("c", "Cem") };
    assert.deepEqual(room.add("c", "Cem", "participant"), {
      others: [fresh("a", "Ann"), fresh("b", "Bob")],
      deliveries: [
        { to: "a", message },
        { to: "b", message },
        { to: "c", message: initialState },
      ],
    });
  });

  test("the role defaults to participant", () => {
    const room = new Room();
    room.add("a", "Ann");
    assert.deepEqual(room.get("a"), fresh("a", "Ann"));
    assert.equal(room.isModerator("a"), false);
  });

  test("a moderator newcomer is listed with its role and also sees the (empty) lobby", () => {
    const room = new Room();
    room.add("a", "Ann", "participant");
    const message = { type: "participantJoined", participant: fresh("m", "Mia", "moderator") };
    assert.deepEqual(room.add("m", "Mia", "moderator"), {
      others: [fresh("a", "Ann")],
      deliveries: [
        { to: "a", message },
        { to: "m", message: initialState },
        { to: "m", message: { type: "lobbyChanged", waiting: [] } },
      ],
    });
    assert.equal(room.isModerator("m"), true);
    assert.equal(room.hostPresent, true);
  });

  test("a newcomer learns the current settings, not the initial ones", () => {
    const room = new Room();
    room.add("m", "Mia", "moderator");
    room.setState({ locked: true, passwordSet: true });
    const { deliveries } = room.add("b", "Bob", "participant");
    assert.deepEqual(
      deliveries.filter((d) => d.to === "b"),
      [{ to: "b", message: { type: "roomState", locked: true, passwordSet: true, multipleShares: false, e2eeRequired: false } }],
    );
  });

  test("others carry the current media state", () => {
    const room = new Room();
    room.add("a", "Ann");
    room.update("a", { audio: false, publishing: true });
    assert.deepEqual(room.add("b", "Bob").others, [{ ...fresh("a", "Ann"), audio: false, publishing: true }]);
  });

  test("adding an id that is already there throws and changes nothing", () => {
    const room = roomOfThree();
    assert.throws(() => room.add("b", "Bobby"), { message: "participant b is already in the room" });
    assert.deepEqual(room.get("b"), fresh("b", "Bob"));
    assert.equal(room.size, 3);
  });
});

describe("Room.remove", () => {
  test("tells the others, not the one who left", () => {
    const room = roomOfThree();
    const message = { type: "participantLeft", participantId: "b" };
    assert.deepEqual(room.remove("b"), [
      { to: "a", message },
      { to: "c", message },
    ]);
    assert.equal(room.has("b"), false);
    assert.deepEqual(room.list().map((p) => p.id), ["a", "c"]);
  });

  test("removing someone absent does nothing", () => {
    const room = roomOfThree();
    assert.deepEqual(room.remove("zed"), []);
    assert.equal(room.size, 3);
  });

  test("removing twice tells the others once", () => {
    const room = roomOfThree();
    assert.equal(room.remove("a").length, 2);
    assert.deepEqual(room.remove("a"), []);
  });

  test("the last one leaving empties the room without deliveries", () => {
    const room = new Room();
    room.add("a", "Ann", "moderator");
    assert.deepEqual(room.remove("a"), []);
    assert.equal(room.isEmpty, true);
    assert.equal(room.size, 0);
  });
});

describe("Room.update", () => {
  test("a change is delivered to everyone else with the whole participant", () => {
    const room = roomOfThree();
    const message = { type: "participantUpdated", participant: { ...fresh("a", "Ann"), video: false } };
    assert.deepEqual(room.update("a", { video: false }), [
      { to: "b", message },
      { to: "c", message },
    ]);
    assert.deepEqual(room.get("a"), { ...fresh("a", "Ann"), video: false });
  });

  test("no change, no delivery", () => {
    const room = roomOfThree();
    assert.deepEqual(room.update("a", { audio: true, video: true, publishing: false }), []);
    assert.deepEqual(room.update("a", {}), []);
  });

  test("setting the same value twice delivers once", () => {
    const room = roomOfThree();
    assert.equal(room.update("b", { publishing: true }).length, 2);
    assert.deepEqual(room.update("b", { publishing: true }), []);
    assert.equal(room.get("b")?.publishing, true);
  });

  test("updating someone absent does nothing", () => {
    const room = roomOfThree();
    assert.deepEqual(room.update("zed", { audio: false }), []);
    assert.equal(room.has("zed"), false);
  });
});

describe("Room.resolveSubscription", () => {
  test("splits wanted ids into publishing and unknown; self is unknown; non-publishing is neither", () => {
    const room = roomOfThree();
    room.add("d", "Dia");
    room.update("b", { publishing: true });
    room.update("c", { publishing: true });
    room.update("a", { publishing: true });
    // a: self (publishing), b/c: publishing, d: present but not publishing, x: absent.
    assert.deepEqual(room.resolveSubscription("a", ["c", "x", "a", "d", "b"]), {
      publishing: ["c", "b"],
      screens: [],
      unknown: ["x", "a"],
    });
  });

  test("duplicates count once", () => {
    const room = roomOfThree();
    room.update("b", { publishing: true });
    assert.deepEqual(room.resolveSubscription("a", ["b", "b", "x", "x"]), { publishing: ["b"], screens: [], unknown: ["x"] });
  });

  test("an empty wish gives empty lists", () => {
    assert.deepEqual(roomOfThree().resolveSubscription("a", []), { publishing: [], screens: [], unknown: [] });
  });

  test("screens: only those who share; an unknown id is listed once even if wanted twice", () => {
    const room = roomOfThree();
    room.update("b", { publishing: true, screen: true });
    assert.deepEqual(room.resolveSubscription("a", ["b", "x"], ["b", "c", "x"]), {
      publishing: ["b"],
      screens: ["b"],
      unknown: ["x"],
    });
  });
});

describe("Room.list and Room.get", () => {
  test("list is in order of arrival, also after someone leaves and comes back", () => {
    const room = roomOfThree();
    room.remove("a");
    room.add("a", "Ann");
    room.update("b", { audio: false });
    assert.deepEqual(room.list().map((p) => p.id), ["b", "c", "a"]);
  });

  test("get of an absent id is undefined", () => {
    assert.equal(roomOfThree().get("zed"), undefined);
  });

  test("get, list, add's others and deliveries are copies: mutating them does not change the room", () => {
    const room = roomOfThree();
    const got = room.get("a")!;
    got.name = "Mallory";
    got.publishing = true;
    const listed = room.list();
    listed[1]!.audio = false;
    listed.pop();
    const { others, deliveries } = room.add("d", "Dia");
    others[0]!.video = false;
    const joined = deliveries[0]!.message;
    assert.equal(joined.type, "participantJoined");
    if (joined.type === "participantJoined") joined.participant.name = "Eve";

    assert.deepEqual(room.list(), [fresh("a", "Ann"), fresh("b", "Bob"), fresh("c", "Cem"), fresh("d", "Dia")]);
  });

  test("an update's delivered participant is a copy", () => {
    const room = roomOfThree();
    const [delivery] = room.update("a", { audio: false });
    if (delivery?.message.type === "participantUpdated") delivery.message.participant.audio = true;
    assert.equal(room.get("a")?.audio, false);
  });
});

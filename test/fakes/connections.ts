/**
 * Connections to rooms through the local registry on the fake media plane, as the signaling edge
 * makes them: for unit tests of what a connection's messages do once past the edge.
 */
import { PROTOCOL_VERSION, type ClientMessageOf } from "../../src/protocol/messages.js";
import { LocalRoomRegistry } from "../../src/cluster/local-registry.js";
import type { ParticipantSignal } from "../../src/cluster/registry.js";
import type { LiveRoom } from "../../src/meeting/live-room.js";
import { RecordingLink, testContext, type TestContext } from "./room-context.js";

export const ROOM = "session-room";
const DAY_MS = 24 * 3600 * 1000;

export interface Connection {
  link: RecordingLink;
  signal: ParticipantSignal;
  /** Sends `ping` and waits for its `pong`. */
  barrier(): Promise<void>;
}

export function setup(lobby = false): { ctx: TestContext; registry: LocalRoomRegistry; room: () => LiveRoom } {
  const ctx = testContext({ policy: { lobby } });
  const registry = new LocalRoomRegistry({ context: ctx, maxRooms: 10 });
  return { ctx, registry, room: () => registry.room(ROOM)! };
}

let pings = 0;
export function connect(registry: LocalRoomRegistry, name: string, extra: Partial<ClientMessageOf<"join">> = {}): Connection {
  const link = new RecordingLink();
  const join: ClientMessageOf<"join"> = { type: "join", version: PROTOCOL_VERSION, room: ROOM, name, ...extra };
  const signal = registry.connect(join, "192.0.2.1", link);
  return {
    link,
    signal,
    async barrier() {
      const id = ++pings;
      signal.send({ type: "ping", id });
      await link.waitFor("pong", (m) => m.id === id);
    },
  };
}

export async function joined(registry: LocalRoomRegistry, name: string, extra: Partial<ClientMessageOf<"join">> = {}): Promise<Connection & { id: string }> {
  const connection = connect(registry, name, extra);
  const message = await connection.link.waitFor("joined");
  await connection.barrier(); // the session has taken in its join, not only sent `joined`
  return { ...connection, id: message.participantId };
}

export const hostKey = (ctx: TestContext) => ctx.moderatorKeys.issueOwner(ROOM, DAY_MS);

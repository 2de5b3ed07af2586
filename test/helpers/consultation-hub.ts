/**
 * A ConsultationHub for unit tests: in memory, a clock the test moves, staff whose "cookie" is
 * their id, and connections that keep what they received.
 */
import { Appointments } from "../../src/consultation/appointments.js";
import { ConsultationHub, type ConsultationMessage } from "../../src/consultation/hub.js";
import { KeyedBuckets } from "../../src/common/per-key.js";
import type { ServerMessage } from "../../src/protocol/messages.js";

export const T0 = Date.UTC(2026, 10, 28, 10, 0);

/** `staff`: the staff ids whose cookies are valid (any cookie names a staff member when not given). */
export function testHub(staff?: string[]) {
  let now = T0;
  const appointments = new Appointments();
  const hub = new ConsultationHub({
    appointments,
    practiceName: () => "Praxis Muster",
    iceServers: () => [],
    roomKey: (room) => `key.${room}`,
    staffOf: (cookie) => (staff === undefined || staff.includes(cookie ?? "") ? cookie : undefined),
    codeAttempts: new KeyedBuckets(50, 1),
    log: { debug() {}, info() {}, warn() {}, error() {} },
    now: () => now,
  });
  /** A connection (staff: their id as the cookie); `last(type)`: the latest message of that type it received. */
  const join = (cookie?: string) => {
    const received: ServerMessage[] = [];
    const connection = hub.connect({ send: (m) => received.push(m) }, "a1", cookie);
    const last = <T extends ServerMessage["type"]>(type: T) => received.filter((m): m is Extract<ServerMessage, { type: T }> => m.type === type).at(-1);
    return { received, last, send: (m: ConsultationMessage) => connection.handle(m), close: () => connection.close() };
  };
  return { hub, appointments, join, now: () => now, advance: (ms: number) => (now += ms) };
}

/**
 * What a live room needs from a server, made for unit tests: the fake media
 * plane, a log that keeps its lines, real moderator keys and password
 * attempts, and connections (links) that record what the room sends them.
 */
import { randomBytes } from "node:crypto";
import type { ServerMessage, ServerMessageOf } from "../../src/protocol/messages.js";
import type { Logger } from "../../src/common/log.js";
import { KeyedBuckets } from "../../src/common/per-key.js";
import { PasswordAttempts } from "../../src/meeting/attempts.js";
import { ModeratorKeys } from "../../src/meeting/moderator-keys.js";
import type { ParticipantLink, RoomContext, RoomPolicy } from "../../src/meeting/room-context.js";
import { FakeMediaPlane } from "./media-plane.js";
import { LiveRoom, type JoinRequest, type Member } from "../../src/meeting/live-room.js";

/** A logger that keeps every line, so a test can check what was (not) logged. */
export class RecordingLog implements Logger {
  readonly lines: { level: string; obj: object | string; msg?: string }[] = [];
  debug(obj: object | string, msg?: string): void {
    this.lines.push({ level: "debug", obj, ...(msg !== undefined ? { msg } : {}) });
  }
  info(obj: object | string, msg?: string): void {
    this.lines.push({ level: "info", obj, ...(msg !== undefined ? { msg } : {}) });
  }
  warn(obj: object | string, msg?: string): void {
    this.lines.push({ level: "warn", obj, ...(msg !== undefined ? { msg } : {}) });
  }
  error(obj: object | string, msg?: string): void {
    this.lines.push({ level: "error", obj, ...(msg !== undefined ? { msg } : {}) });
  }
}

/** A participant's connection as the room sees it: it records what it is sent and how it was closed. */
export class RecordingLink implements ParticipantLink {
  readonly messages: ServerMessage[] = [];
  closedWith: { code: number; reason: string } | undefined;
  private readonly waiters = new Set<{ match: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void }>();

  send(message: ServerMessage): void {
    this.messages.push(message);
    for (const waiter of this.waiters) {
      if (!waiter.match(message)) continue;
      this.waiters.delete(waiter);
      waiter.resolve(message);
    }
  }

  close(code: number, reason: string): void {
    this.closedWith ??= { code, reason };
  }

  /**
   * The first message of `type` (and `where`) sent so far, or the next one to come. Unit tests
   * run in one process: a message that never comes fails the test by its timeout.
   */
  waitFor<T extends ServerMessage["type"]>(type: T, where: (m: ServerMessageOf<T>) => boolean = () => true): Promise<ServerMessageOf<T>> {
    const match = (m: ServerMessage): m is ServerMessageOf<T> => m.type === type && where(m as ServerMessageOf<T>);
    const found = this.messages.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => this.waiters.add({ match, resolve: (m) => resolve(m as ServerMessageOf<T>) }));
  }

  /** The types of everything sent so far, in order. */
  get types(): ServerMessage["type"][] {
    return this.messages.map((m) => m.type);
  }

  /** Every message of `type` sent so far. */
  all<T extends ServerMessage["type"]>(type: T): ServerMessageOf<T>[] {
    return this.messages.filter((m): m is ServerMessageOf<T> => m.type === type);
  }

  /** The last message of `type`; fails the test if there is none. */
  last<T extends ServerMessage["type"]>(type: T): ServerMessageOf<T> {
    const found = this.all(type).at(-1);
    if (!found) throw new Error(`no '${type}' was sent (got: ${this.types.join(", ") || "nothing"})`);
    return found;
  }

  /** Takes everything sent so far (so the next assertion sees only what comes after). */
  drain(): ServerMessage[] {
    return this.messages.splice(0);
  }
}

export const TEST_POLICY: RoomPolicy = {
  lobby: false,
  e2ee: "on",
  maxWaiting: 100,
  ownerKeyLifetimeMs: 24 * 3600 * 1000,
  promotedKeyLifetimeMs: 3600 * 1000,
  roomPasswordAttempts: 30,
};

export interface TestContext extends RoomContext {
  mediaPlane: FakeMediaPlane;
  log: RecordingLog;
}

/** A room context on the fake media plane; `policy` merges over TEST_POLICY (no lobby, E2EE on). */
export function testContext(overrides: { policy?: Partial<RoomPolicy>; now?: () => number; knocks?: KeyedBuckets } = {}): TestContext {
  return {
    mediaPlane: new FakeMediaPlane(),
    log: new RecordingLog(),
    moderatorKeys: new ModeratorKeys(randomBytes(32), overrides.now),
    policy: { ...TEST_POLICY, ...overrides.policy },
    passwordAttempts: new PasswordAttempts(),
    iceServers: () => [{ urls: ["turn:turn.example:3478"], username: "u", credential: "c" }],
    knocks: overrides.knocks ?? new KeyedBuckets(60, 1),
  };
}

/** A well-formed E2EE public key (65 bytes in base64url); the server only relays it. */
export const publicKey = (n: number) => `B${String(n).repeat(86).slice(0, 86)}`;

/** A live room named `name` on a test context with `policy`. */
export function testRoom(name: string, policy: Partial<RoomPolicy> = {}): { ctx: TestContext; live: LiveRoom } {
  const ctx = testContext({ policy });
  return { ctx, live: new LiveRoom(name, ctx, () => {}) };
}

/** Someone joins `live` on a new recording link; resolves once they are in (a lobby keeps it waiting). */
export async function enterRoom(live: LiveRoom, name: string, extra: Partial<Omit<JoinRequest, "link" | "name">> = {}): Promise<{ link: RecordingLink; member: Member }> {
  const link = new RecordingLink();
  const admission = await live.join({ link, name, address: "192.0.2.1", ...extra });
  return { link, member: await admission.entered };
}

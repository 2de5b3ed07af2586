/**
 * What must hold after every batch of the fuzzer's commands, whatever they
 * were (docs/security.md):
 *
 * - nobody changed the meeting unless they were a moderator: every change
 *   of a setting, a role, who is in and who waits is explained by a command
 *   of the batch from someone who could act as a moderator then;
 * - a guest in the lobby heard nothing of the meeting;
 * - every request the protocol answers got its answer or a typed error.
 *
 * The meeting's state is read from the server itself (the registry's live
 * room), the messages from what each client received.
 */
import type { LocalRoomRegistry } from "../../../src/cluster/local-registry.js";
import type { Role, ServerMessage } from "../../../src/protocol/messages.js";
import { FUZZ_PING_ID, PASSWORD, idOf, moderatorOnly, type Action, type Command } from "./commands.js";

/** The meeting as the server holds it. */
export interface Snapshot {
  /** The live room object: a new one means the meeting ended and began afresh. */
  instance: object | undefined;
  settings: { locked: boolean; passwordSet: boolean; multipleShares: boolean; e2eeRequired: boolean };
  members: Map<string, Role>;
  /** Who waits in the lobby: id → display name. */
  waiting: Map<string, string>;
}

export function snapshot(registry: LocalRoomRegistry, room: string): Snapshot {
  const live = registry.room(room);
  const r = live?.room;
  return {
    instance: live,
    settings: { locked: r?.isLocked ?? false, passwordSet: live?.password !== undefined, multipleShares: r?.allowsMultipleShares ?? false, e2eeRequired: r?.requiresE2ee ?? false },
    members: new Map((r?.list() ?? []).map((p) => [p.id, p.role])),
    waiting: new Map([...(live?.waiters.values() ?? [])].map((w) => [w.id, w.name])),
  };
}

/** What the run knows of one actor during a batch. */
export interface ActorView {
  /** Their participant id at the start of the batch, if they were in the meeting or its lobby. */
  id: string | undefined;
  /** They hold a genuine moderator key (the owner's, or one a moderator gave them). */
  hasKey: boolean;
}

const SETTING_OF: Partial<Record<Action["kind"], keyof Snapshot["settings"]>> = {
  lock: "locked",
  setPassword: "passwordSet",
  allowMultipleShares: "multipleShares",
  requireE2ee: "e2eeRequired",
};

function settingValue(a: Action): boolean | undefined {
  if (a.kind === "lock" || a.kind === "allowMultipleShares" || a.kind === "requireE2ee") return a.flag;
  if (a.kind === "setPassword") return a.password === null ? false : a.password === PASSWORD ? true : undefined;
  return undefined;
}

const DEFAULT_SETTINGS: Snapshot["settings"] = { locked: false, passwordSet: false, multipleShares: false, e2eeRequired: false };

/**
 * The violations of "only moderators change the meeting" in one batch: every difference between
 * `before` and `after` needs a command of the batch from someone who could be a moderator then
 * (a moderator at its start, someone who came in with a genuine key, or someone promoted in it).
 * `known`: the ids targets were picked from; `entered`: who each new participant id is (actor).
 */
export function unexplainedChanges(
  before: Snapshot,
  after: Snapshot,
  batch: readonly Command[],
  actors: readonly ActorView[],
  known: readonly string[],
  entered: ReadonlyMap<string, number>,
): string[] {
  const problems: string[] = [];
  // A meeting that began in this batch starts from the defaults.
  const baseline = before.instance !== undefined && before.instance === after.instance ? before.settings : DEFAULT_SETTINGS;
  const mods = new Set<number>();
  actors.forEach((a, i) => {
    if ((a.id && before.members.get(a.id) === "moderator") || (a.hasKey && batch.some((c) => c.actor === i && c.action.kind === "join" && c.action.key))) mods.add(i);
  });
  const byMod = (match: (a: Action) => boolean) => batch.some((c) => mods.has(c.actor) && match(c.action));
  const targets = (a: Action, id: string) =>
    (a.kind === "moderate" || a.kind === "refuse") && idOf(a.target, known) === id;
  // Promotions within the batch make further moderators (twice: a promoted moderator may promote).
  for (let round = 0; round < 2; round++) {
    actors.forEach((a, i) => {
      if (a.id && byMod((x) => x.kind === "moderate" && x.action === "make-moderator" && targets(x, a.id!))) mods.add(i);
    });
  }
  const ownCommand = (id: string, kinds: Action["kind"][]) => {
    const actor = actors.findIndex((a) => a.id === id);
    return batch.some((c) => c.actor === actor && kinds.includes(c.action.kind));
  };
  const ended = byMod((a) => a.kind === "endMeeting");
  const admitted = (id: string) => byMod((a) => a.kind === "admit" && (a.targets === "all" || a.targets.some((t) => idOf(t, known) === id)));
  const removed = (id: string) => byMod((a) => a.kind === "moderate" && a.action === "remove" && targets(a, id));

  if (after.instance !== undefined) {
    for (const field of Object.keys(baseline) as (keyof Snapshot["settings"])[]) {
      const now = after.settings[field];
      if (now !== baseline[field] && !byMod((a) => SETTING_OF[a.kind] === field && settingValue(a) === now)) problems.push(`${field} became ${now} without a moderator asking`);
    }
  }
  for (const [id, role] of after.members) {
    const was = before.members.get(id);
    if (was === undefined) {
      if (before.waiting.has(id) && !admitted(id)) {
        problems.push(`${id} came in from the lobby without a moderator letting them in`);
      }
      const actor = entered.get(id);
      if (role === "moderator" && !(actor !== undefined && mods.has(actor))) problems.push(`${id} entered as a moderator without a genuine key`);
    } else if (was !== role) {
      const action = role === "moderator" ? "make-moderator" : "demote";
      if (!byMod((a) => a.kind === "moderate" && a.action === action && targets(a, id))) problems.push(`${id} became ${role} without a moderator's ${action}`);
    }
  }
  for (const id of before.members.keys()) {
    if (after.members.has(id)) continue;
    const explained = ownCommand(id, ["leave", "reconnect"]) || ended || removed(id);
    if (!explained) problems.push(`${id} was taken out of the meeting without a moderator's remove or end`);
  }
  for (const id of before.waiting.keys()) {
    if (after.waiting.has(id) || after.members.has(id)) continue;
    const explained =
      ownCommand(id, ["leave", "reconnect"]) ||
      ended ||
      (admitted(id) && removed(id)) || // let in, and out again, within the batch
      byMod((a) => a.kind === "refuse" && targets(a, id)) ||
      byMod((a) => a.kind === "requireE2ee" && a.flag);
    if (!explained) problems.push(`${id} was taken out of the lobby without a moderator's refusal`);
  }
  return problems;
}

/** Messages a guest may get while waiting in the lobby: nothing about the meeting. */
const LOBBY_MAY_HEAR = new Set<ServerMessage["type"]>(["welcome", "lobby", "pong", "error", "farewell", "probeServers", "probeAnswer", "lobbyMessage"]);

/** Messages a client got while it waited in the lobby that it should not have. */
export function lobbyLeaks(messages: readonly ServerMessage[]): string[] {
  const leaks: string[] = [];
  let waiting = false;
  for (const m of messages) {
    if (m.type === "lobby") waiting = true;
    else if (m.type === "joined" || m.type === "farewell" || (m.type === "error" && m.inReplyTo === "join")) waiting = false;
    else if (waiting && !LOBBY_MAY_HEAR.has(m.type)) leaks.push(`${m.type} reached a guest in the lobby: ${JSON.stringify(m).slice(0, 200)}`);
  }
  return leaks;
}

/** An answer the protocol promises for a request: what would satisfy it. */
export type Promised = "join" | "publish" | "publishScreen" | "probe" | "probeServers" | "moderator" | "chat" | "pong" | `error:${string}`;

/** Where a client stands with the meeting when it sends something. */
export type ActorState = "outside" | "pending" | "waiting" | "member";

/**
 * What a command is promised: its answer, or a typed error. `invalid`: the error code the
 * protocol's parser gives its frame, if it is not a valid message (checked first, at the edge,
 * whatever the state). Requests that wait for a pending join (a guest in the lobby) are
 * promised nothing yet; a moderator's request from someone who might be one by the time it is
 * handled, nothing either.
 */
export function promised(a: Action, invalid: string | undefined, state: ActorState, mayBeModerator: boolean): Promised | undefined {
  if (invalid) return `error:${invalid}`;
  if (a.kind === "probe" || a.kind === "probeServers") return a.kind; // the check needs no room
  if (a.kind === "ping") return "pong"; // a barrier is answered in every state, in the lobby too
  if (state === "pending" || state === "waiting") return undefined;
  if (a.kind === "join") return "join";
  if (state === "outside") return a.kind === "leave" || a.kind === "reconnect" ? undefined : "error:not-joined";
  if (a.kind === "publish" || a.kind === "publishScreen") return a.kind;
  if (moderatorOnly(a)) return mayBeModerator ? undefined : "moderator";
  if (a.kind === "chat") return "chat";
  return undefined;
}

/** Whether `m` (to a client whose participant id is `self`) answers `p`. */
export function answers(p: Promised, m: ServerMessage, self: string | undefined): boolean {
  if (p.startsWith("error:")) return m.type === "error" && m.code === p.slice(6);
  switch (p) {
    case "join":
      return m.type === "joined" || m.type === "lobby" || (m.type === "error" && m.inReplyTo === "join");
    case "publish":
      return m.type === "publisherAnswer" || (m.type === "error" && m.inReplyTo === "publish");
    case "publishScreen":
      return m.type === "screenAnswer" || (m.type === "error" && m.inReplyTo === "publishScreen");
    case "probe":
      return m.type === "probeAnswer" || (m.type === "error" && m.inReplyTo === "probe");
    case "probeServers":
      return m.type === "probeServers" || (m.type === "error" && m.inReplyTo === "probeServers");
    case "moderator":
      // Refused (forbidden), or no longer in the meeting by the time it was handled.
      return m.type === "error" && (m.code === "forbidden" || m.code === "not-joined");
    case "chat":
      return (m.type === "chat" && m.from === self) || (m.type === "error" && m.inReplyTo === "chat");
    case "pong":
      return m.type === "pong" && m.id === FUZZ_PING_ID;
  }
  return false;
}

/**
 * The promises a client's messages leave unkept: each answer keeps at most one promise. Typed
 * errors first: "an answer or an error" must not take the error another promise needs.
 */
export function unanswered(promises: readonly Promised[], messages: readonly ServerMessage[], self: string | undefined): Promised[] {
  const used = new Set<number>();
  const specificFirst = [...promises].sort((a, b) => Number(b.startsWith("error:")) - Number(a.startsWith("error:")));
  return specificFirst.filter((p) => {
    const i = messages.findIndex((m, index) => !used.has(index) && answers(p, m, self));
    if (i < 0) return true;
    used.add(i);
    return false;
  });
}

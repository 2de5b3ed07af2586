/**
 * roll-call — a second Treff client, written from docs/protocol.md alone
 * (it imports nothing from src/), to show that the document suffices.
 *
 * It joins a meeting without audio or video, prints who is there, says so
 * in the chat, and leaves. With --watch it stays and prints who comes and
 * goes and what is said, until Ctrl-C. With a lobby, it waits there until a
 * moderator lets it in.
 *
 *   node --import tsx examples/roll-call.ts http://localhost:8080 <room> [--name N] [--password P] [--watch]
 *
 * It sends no public key, so it cannot read end-to-end encrypted chat, and
 * everyone else's screen shows it as "not end-to-end encrypted" while it is
 * there: honest, since it is not.
 */
import { pathToFileURL } from "node:url";
import WebSocket from "ws";

const PROTOCOL_VERSION = 2;

// The few messages this client uses, as docs/protocol.md describes them.
interface Participant {
  id: string;
  name: string;
  role: "moderator" | "participant";
}
type ServerMessage =
  | { type: "welcome"; version: number; e2ee: boolean }
  | { type: "joined"; participantId: string; participants: Participant[] }
  | { type: "lobby"; hostPresent: boolean }
  | { type: "participantJoined"; participant: Participant }
  | { type: "participantLeft"; participantId: string }
  | { type: "chat"; from: string; name: string; text: string; at: number }
  | { type: "sealedChat"; from: string; name: string }
  | { type: "farewell"; reason: "refused" | "removed" | "ended" }
  | { type: "error"; code: string; message: string; inReplyTo?: string }
  | { type: "_other" }; // a client ignores types it does not know

interface Options {
  server: URL;
  room: string;
  name: string;
  password: string | undefined;
  watch: boolean;
}

function parseArguments(args: string[]): Options {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--watch") flags.set("watch", true);
    else if (arg.startsWith("--")) flags.set(arg.slice(2), args[++i] ?? "");
    else positional.push(arg);
  }
  const [server, room] = positional;
  if (!server || !room) {
    throw new Error("usage: roll-call <server URL, e.g. http://localhost:8080> <room> [--name N] [--password P] [--watch]");
  }
  const text = (key: string) => (typeof flags.get(key) === "string" ? (flags.get(key) as string) : undefined);
  return { server: new URL(server), room, name: text("name") ?? "Roll call", password: text("password"), watch: flags.has("watch") };
}

/** The signaling address: /ws on the same origin, wss when the page would be https. */
function signalingUrl(server: URL): string {
  const url = new URL("/ws", server);
  url.protocol = server.protocol === "https:" ? "wss:" : "ws:";
  return url.toString();
}

function listOf(participants: Participant[]): string {
  if (participants.length === 0) return "nobody else";
  return participants.map((p) => (p.role === "moderator" ? `${p.name} (moderator)` : p.name)).join(", ");
}

/** Runs one roll call; resolves with the exit code. `print` gets every line for the person at the terminal. */
export function rollCall(options: Options, print: (line: string) => void = console.log): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(signalingUrl(options.server));
    const send = (message: object) => ws.send(JSON.stringify(message));
    const present = new Map<string, Participant>();
    let exitCode = 0;
    let selfId = "";

    const leave = () => {
      if (ws.readyState === WebSocket.OPEN) send({ type: "leave" }); // the server closes the connection
    };
    process.once("SIGINT", leave);

    ws.on("message", (data) => {
      let message: ServerMessage;
      try {
        message = JSON.parse(String(data)) as ServerMessage;
      } catch {
        return;
      }
      switch (message.type) {
        case "welcome":
          if (message.version !== PROTOCOL_VERSION) print(`note: the server speaks protocol ${message.version}, this client ${PROTOCOL_VERSION}`);
          send({ type: "join", version: PROTOCOL_VERSION, room: options.room, name: options.name, ...(options.password ? { password: options.password } : {}) });
          return;
        case "lobby":
          print(message.hostPresent ? "Waiting in the lobby until a moderator lets us in." : "Waiting in the lobby: no moderator has arrived yet.");
          return;
        case "joined": {
          selfId = message.participantId;
          for (const p of message.participants) present.set(p.id, p);
          const names = listOf(message.participants);
          print(`In "${options.room}": ${names}.`);
          send({ type: "chat", text: `Roll call: ${message.participants.length + 1} here (${names} and me).` });
          if (!options.watch) leave();
          return;
        }
        case "participantJoined":
          present.set(message.participant.id, message.participant);
          print(`+ ${message.participant.name}`);
          return;
        case "participantLeft":
          print(`- ${present.get(message.participantId)?.name ?? "someone"}`);
          present.delete(message.participantId);
          return;
        case "chat":
          if (message.from !== selfId) print(`${message.name}: ${message.text}`);
          return;
        case "sealedChat":
          print(`${message.name}: (end-to-end encrypted; this client cannot read it)`);
          return;
        case "farewell":
          print({ refused: "A moderator turned us away.", removed: "A moderator removed us.", ended: "The meeting has ended." }[message.reason]);
          return;
        case "error":
          print(`error ${message.code}: ${message.message}`);
          // A refused join leaves the connection open and not joined: nothing more will happen.
          if (message.inReplyTo === "join") {
            exitCode = 1;
            ws.close();
          }
          return;
      }
    });
    ws.on("error", (error) => {
      print(`cannot reach ${options.server.origin}: ${error.message}`);
      exitCode = 1;
    });
    ws.on("close", () => {
      process.removeListener("SIGINT", leave);
      resolve(exitCode);
    });
  });
}

// Run from the command line (not when a test imports it).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    process.exitCode = await rollCall(parseArguments(process.argv.slice(2)));
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 2;
  }
}

export { parseArguments };

/**
 * The HTTP side: the browser client's files, the room pages and a tiny API.
 * Request logging is off: Fastify's would record addresses and room names.
 */
import { randomBytes } from "node:crypto";
import Fastify, { type FastifyInstance } from "fastify";
import fastifyStatic from "@fastify/static";
import { RoomName } from "../protocol/messages.js";
import { securityHeaders } from "./security-headers.js";

export interface HttpOptions {
  publicDir: string;
  /** Whether the media server is reachable, for /healthz. */
  mediaAvailable: () => boolean;
}

/** 16 random bytes, base64url: 22 characters, 128 bits, safe in a path. */
export function newRoomName(): string {
  return randomBytes(16).toString("base64url");
}

export async function createHttpServer(options: HttpOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: 16 * 1024 });

  app.addHook("onSend", async (request, reply, payload) => {
    reply.headers(securityHeaders({ frameAncestors: [], secure: request.protocol === "https" }));
    return payload;
  });

  await app.register(fastifyStatic, { root: options.publicDir, index: false, wildcard: false, serveDotFiles: false });

  const page = (_request: unknown, reply: { type(t: string): { sendFile(f: string): unknown } }) =>
    reply.type("text/html; charset=utf-8").sendFile("index.html");

  app.get("/", page);
  app.get<{ Params: { room: string } }>("/r/:room", (request, reply) => {
    if (!RoomName.safeParse(request.params.room).success) {
      return reply.code(404).type("text/plain; charset=utf-8").send("Not a valid meeting address.");
    }
    return page(request, reply);
  });

  /** Creates a meeting: an unguessable room name. */
  app.post("/api/meetings", async () => ({ room: newRoomName() }));

  app.get("/healthz", async (_request, reply) => {
    const media = options.mediaAvailable();
    return reply.code(media ? 200 : 503).send({ ok: media });
  });

  app.setNotFoundHandler((_request, reply) => reply.code(404).type("text/plain; charset=utf-8").send("Not found."));
  app.setErrorHandler((error: { statusCode?: number }, _request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    return reply.code(status).type("text/plain; charset=utf-8").send(status === 500 ? "Server error." : "Bad request.");
  });
  return app;
}

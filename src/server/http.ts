/**
 * The HTTP side: the browser client's files, the room pages and a tiny API.
 * Request logging is off: Fastify's would record addresses and room names.
 */
import Fastify, { type FastifyInstance } from "fastify";
import fastifyStatic from "@fastify/static";
import { RoomName } from "../protocol/messages.js";
import type { Config } from "./config.js";
import type { MeetingCreator } from "./meetings.js";
import { renderPrivacyPage } from "./privacy-page.js";
import { securityHeaders } from "./security-headers.js";
import type { Consultation } from "../consultation/consultation.js";
import { registerConsultationRoutes } from "../consultation/routes.js";

export interface HttpOptions {
  config: Config;
  publicDir: string;
  /** Whether the media server is reachable, for /healthz. */
  mediaAvailable: () => boolean;
  /** Whether this node drains (SIGTERM with several nodes), for /healthz. */
  draining?: () => boolean;
  meetings: MeetingCreator;
  /** The video consultation's pages and API (docs/consultation.md). */
  consultation?: Consultation;
}

export async function createHttpServer(options: HttpOptions): Promise<FastifyInstance> {
  const { config } = options;
  const app = Fastify({ logger: false, bodyLimit: 16 * 1024, trustProxy: config.http.trustProxy });

  app.addHook("onSend", async (request, reply, payload) => {
    reply.headers(securityHeaders({ frameAncestors: config.http.frameAncestors, secure: request.protocol === "https" }));
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

  app.get("/check", page);
  if (options.consultation) registerConsultationRoutes(app, options.consultation);
  app.get<{ Querystring: { lang?: string } }>("/privacy", (request, reply) => {
    const language = request.query.lang === "de" || (!request.query.lang && /^de\b/i.test(request.headers["accept-language"] ?? "")) ? "de" : "en";
    return reply.type("text/html; charset=utf-8").header("content-language", language).send(renderPrivacyPage(config, language));
  });

  /** Creates a meeting: an unguessable room name (or the one asked for) and its moderator key. */
  app.post<{ Body: { name?: unknown } | undefined }>("/api/meetings", async (request, reply) => {
    const result = await options.meetings.create(request.headers.authorization, request.body?.name);
    if (!result.ok) return reply.code(result.status).send({ error: result.error });
    // e2ee: whether meetings here encrypt end to end, so the home page offers a passphrase link only then.
    return { room: result.room, moderatorKey: result.moderatorKey, e2ee: config.meetings.e2ee };
  });

  /**
   * What the home page shows: whether meetings here encrypt end to end, and whether the
   * operator has said who runs the server (else the page asks its administrator to).
   */
  app.get("/api/server", async () => ({
    e2ee: config.meetings.e2ee,
    operatorConfigured: config.operator.name.trim() !== "" && config.operator.contact.trim() !== "",
  }));

  // 503: the media server is away. 404 while draining: the load balancer sends new people
  // elsewhere and keeps the open connections (HAProxy's `http-check disable-on-404`).
  app.get("/healthz", async (_request, reply) => {
    const media = options.mediaAvailable();
    if (media && options.draining?.()) return reply.code(404).send({ ok: false, draining: true });
    return reply.code(media ? 200 : 503).send({ ok: media });
  });

  app.setNotFoundHandler((_request, reply) => reply.code(404).type("text/plain; charset=utf-8").send("Not found."));
  app.setErrorHandler((error: { statusCode?: number }, _request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    return reply.code(status).type("text/plain; charset=utf-8").send(status === 500 ? "Server error." : "Bad request.");
  });
  return app;
}

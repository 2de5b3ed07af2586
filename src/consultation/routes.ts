/**
 * The consultation's HTTP side: its pages, passkey enrolment and sign-in, and appointments.
 * Registered on Treff's one HTTP server (src/server/http.ts). Every POST must come from a page
 * of this origin (the Origin header, where a browser sends one; SameSite=Strict does the rest).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { Consultation } from "./consultation.js";
import type { RelyingParty } from "./passkeys.js";

const NewAppointmentBody = z.object({
  label: z.string().trim().max(80).default(""),
  /** ms since 1970; default: now. */
  startsAt: z.number().int().positive().optional(),
  minutes: z.number().int().min(5).max(12 * 60).default(30),
});
const EnrolBody = z.object({ token: z.string().min(10).max(100) });
const CredentialBody = z.object({ response: z.object({ id: z.string().max(1024) }).passthrough() });

export function registerConsultationRoutes(app: FastifyInstance, consultation: Consultation): void {
  const page = (_request: FastifyRequest, reply: FastifyReply) => reply.type("text/html; charset=utf-8").sendFile("consultation.html");
  for (const path of ["/staff", "/staff/enrol", "/sprechstunde", "/sprechstunde/gast", "/consultation"]) app.get(path, page);

  const relyingParty = (request: FastifyRequest): RelyingParty => {
    const configured = consultation.publicUrl;
    if (configured) return { id: configured.hostname, origin: configured.origin };
    return { id: request.hostname, origin: `${request.protocol}://${request.host}` };
  };
  const secure = (request: FastifyRequest) => request.protocol === "https";
  /** The signed-in staff member, from the session cookie. */
  const staffOf = (request: FastifyRequest) => consultation.staffOf(request.headers.cookie);

  app.addHook("preHandler", async (request, reply) => {
    if (request.method !== "POST" || !request.url.startsWith("/api/staff") && !request.url.startsWith("/api/consultation")) return;
    const origin = request.headers.origin;
    if (origin && origin !== relyingParty(request).origin) return reply.code(403).send({ error: "requests must come from this site's own pages" });
  });

  /** Public: what the patient's page shows. */
  app.get("/api/consultation/practice", async () => ({ name: consultation.practiceName(), oidc: Boolean(consultation.oidc) }));

  // Sign-in through the organisation's OpenID Connect provider (oidc.ts), when configured.
  const callback = (request: FastifyRequest) => `${relyingParty(request).origin}/staff/oidc/callback`;
  app.get("/staff/oidc/login", async (request, reply) => {
    if (!consultation.oidc) return reply.code(404).type("text/plain; charset=utf-8").send("Not found.");
    const target = await consultation.oidc.start(callback(request)).catch(() => undefined);
    if (!target) return reply.code(502).type("text/plain; charset=utf-8").send("The sign-in provider cannot be reached; try again later.");
    return reply.redirect(target.href, 303);
  });
  app.get("/staff/oidc/callback", async (request, reply) => {
    if (!consultation.oidc) return reply.code(404).type("text/plain; charset=utf-8").send("Not found.");
    const account = await consultation.oidc.finish(new URL(request.url, "http://treff")).catch(() => undefined);
    if (!account) return reply.code(400).type("text/plain; charset=utf-8").send("Sign-in failed. Go back to /staff and try again.");
    consultation.log.info("a staff member signed in through the OpenID Connect provider");
    reply.header("set-cookie", consultation.sessions.cookie(consultation.sessions.issue(account.id), secure(request)));
    return reply.redirect("/staff", 303);
  });

  app.post<{ Body: unknown }>("/api/staff/enrol/options", async (request, reply) => {
    const body = EnrolBody.safeParse(request.body);
    const account = body.success ? consultation.store.byEnrolmentToken(body.data.token) : undefined;
    if (!account) return reply.code(404).send({ error: "this enrolment link is not valid (any more); ask the operator for a new one" });
    return { name: account.name, options: await consultation.passkeys.registrationOptions(account, relyingParty(request)) };
  });

  app.post<{ Body: unknown }>("/api/staff/enrol/verify", async (request, reply) => {
    const body = EnrolBody.and(CredentialBody).safeParse(request.body);
    const account = body.success ? consultation.store.byEnrolmentToken(body.data.token) : undefined;
    if (!body.success || !account) return reply.code(404).send({ error: "this enrolment link is not valid (any more); ask the operator for a new one" });
    const registered = await consultation.passkeys.register(account, body.data.response as never, relyingParty(request));
    if (!registered) return reply.code(400).send({ error: "the passkey could not be verified; try again" });
    consultation.log.info("a staff member registered a passkey");
    reply.header("set-cookie", consultation.sessions.cookie(consultation.sessions.issue(account.id), secure(request)));
    return { name: account.name };
  });

  app.post("/api/staff/login/options", async (request) => consultation.passkeys.authenticationOptions(relyingParty(request)));

  app.post<{ Body: unknown }>("/api/staff/login/verify", async (request, reply) => {
    const body = CredentialBody.safeParse(request.body);
    const staffId = body.success ? await consultation.passkeys.authenticate(body.data.response as never, relyingParty(request)) : undefined;
    const account = staffId ? consultation.store.find(staffId) : undefined;
    if (!account) return reply.code(401).send({ error: "this passkey is not known here, or it could not be verified" });
    reply.header("set-cookie", consultation.sessions.cookie(consultation.sessions.issue(account.id), secure(request)));
    return { name: account.name };
  });

  app.post("/api/staff/logout", async (request, reply) => {
    reply.header("set-cookie", consultation.sessions.clearedCookie(secure(request)));
    return { ok: true };
  });

  app.get("/api/staff/me", async (request, reply) => {
    const account = staffOf(request);
    if (!account) return reply.code(401).send({ error: "not signed in" });
    return { name: account.name, practice: consultation.practiceName() };
  });

  app.post<{ Body: unknown }>("/api/consultation/appointments", async (request, reply) => {
    if (!staffOf(request)) return reply.code(401).send({ error: "sign in as staff first" });
    const body = NewAppointmentBody.safeParse(request.body ?? {});
    if (!body.success) return reply.code(400).send({ error: `${body.error.issues[0]?.path.join(".") || "body"}: ${body.error.issues[0]?.message}` });
    const now = Date.now();
    const appointment = consultation.appointments.create({ label: body.data.label, startsAt: body.data.startsAt ?? now, minutes: body.data.minutes }, now);
    if (!appointment) return reply.code(503).send({ error: "too many appointments at once; try again later" });
    const { origin } = relyingParty(request);
    return {
      id: appointment.id,
      code: appointment.code,
      link: `${origin}/sprechstunde#${appointment.token}`,
      startsAt: appointment.startsAt,
      closesAt: appointment.closesAt,
    };
  });

  app.delete<{ Params: { id: string } }>("/api/consultation/appointments/:id", async (request, reply) => {
    if (!staffOf(request)) return reply.code(401).send({ error: "sign in as staff first" });
    return consultation.appointments.remove(request.params.id) ? { ok: true } : reply.code(404).send({ error: "no such appointment" });
  });
}

/**
 * The video consultation as people reach it, for end-to-end tests and bench:consultation: a staff
 * member enrolled by the operator's command and signed in with a passkey (Chromium's virtual
 * authenticator), appointments made on the staff page, and patients who open their link, test
 * camera and microphone, consent and wait. Texts come from the page's own catalogues, so the
 * helpers work in both languages.
 */
import type { Browser, Page } from "playwright-core";
import { runStaffCommand } from "../../src/consultation/cli.js";
import { consultationEn } from "../../src/client/i18n/consultation-en.js";
import { consultationDe } from "../../src/client/i18n/consultation-de.js";
import { newParticipant, type ParticipantOptions, type ParticipantPage } from "./browser.js";
import type { TestServer } from "./server.js";
import { waitUntil } from "./wait.js";

/** WebAuthn needs a domain, not an IP address, as relying party: staff pages use "localhost". */
export const consultationBase = (server: TestServer) => server.url.replace("127.0.0.1", "localhost");

export interface PageOptions extends ParticipantOptions {
  /** Runs before the first page loads (e.g. test instrumentation). */
  prepare?: (participant: ParticipantPage) => Promise<unknown>;
}

/** A staff account made with `npm run staff -- add`, its passkey registered from the enrolment link: the queue is open. */
export async function enrolledStaff(browser: Browser, server: TestServer, dataDir: string, name: string, options: PageOptions = {}): Promise<ParticipantPage> {
  const printed: string[] = [];
  const port = new URL(server.url).port;
  if (runStaffCommand(["add", name], { TREFF_DATA_DIR: dataDir, PORT: port, HOST: "localhost" }, (l) => printed.push(l)) !== 0) throw new Error(printed.join("\n"));
  const enrolLink = printed.find((l) => l.includes("/staff/enrol#"))!;
  const staff = await newParticipant(browser, options);
  const cdp = await staff.context.newCDPSession(staff.page);
  await cdp.send("WebAuthn.enable", {});
  await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  await options.prepare?.(staff);
  await staff.page.goto(enrolLink);
  const texts = catalogue(options.locale);
  await staff.page.getByRole("button", { name: texts.cEnrolButton }).click();
  await staff.page.getByRole("heading", { name: texts.cQueueTitle }).waitFor();
  return staff;
}

/** Creates an appointment on the staff page, as a staff member does; its link and code. */
export async function newAppointment(staff: Page, label: string): Promise<{ link: string; code: string }> {
  const before = await staff.locator(".consult-code").textContent().catch(() => null);
  await staff.getByLabel(/^(Label|Bezeichnung)/).fill(label);
  await staff.locator("form[aria-labelledby=appointment-heading] button[type=submit]").click();
  const code = await waitUntil("the new code", async () => (await staff.locator(".consult-code").textContent().catch(() => null)) ?? "", (c) => /^\d{8}$/.test(c) && c !== before);
  const link = (await staff.locator(".consult-created a").textContent())!;
  return { link, code };
}

/** A patient opens their link, tests camera and microphone, consents and waits; resolves when they see their place. */
export async function waitingPatient(browser: Browser, link: string, options: PageOptions & { name?: string } = {}): Promise<ParticipantPage> {
  const patient = await newParticipant(browser, options);
  await options.prepare?.(patient);
  const texts = catalogue(options.locale);
  await patient.page.goto(link);
  await patient.page.getByRole("button", { name: texts.cCheckDevices }).click();
  await patient.page.getByText(texts.cDevicesOk).waitFor();
  if (options.name) await patient.page.getByLabel(texts.cYourName).fill(options.name);
  await patient.page.getByLabel(texts.cConsent).check();
  await patient.page.getByRole("button", { name: texts.cEnterWaitingRoom }).click();
  await patient.page.locator(".consult-place").filter({ hasText: /\d/ }).waitFor();
  return patient;
}

/** The selected candidate pair of every connected peer connection of the page (both ends as address:port), oldest first. */
export function connectedPairs(page: Page): Promise<{ local: string; remote: string }[]> {
  return page.evaluate(async () => {
    const list = (window as unknown as { __treffPeerConnections?: RTCPeerConnection[] }).__treffPeerConnections ?? [];
    const pairs: { local: string; remote: string }[] = [];
    for (const pc of list.filter((p) => p.connectionState === "connected")) {
      const stats = await pc.getStats();
      stats.forEach((r: { type: string; selectedCandidatePairId?: string }) => {
        if (r.type !== "transport" || !r.selectedCandidatePairId) return;
        const pair = stats.get(r.selectedCandidatePairId) as { localCandidateId: string; remoteCandidateId: string };
        const end = (id: string) => {
          const c = stats.get(id) as { address?: string; port?: number };
          return `${c.address}:${c.port}`;
        };
        pairs.push({ local: end(pair.localCandidateId), remote: end(pair.remoteCandidateId) });
      });
    }
    return pairs;
  });
}

/** The consultation's strings in the page's language ("de…" locales: German). */
export function catalogue(locale = "en-US"): typeof consultationEn {
  return locale.startsWith("de") ? consultationDe : consultationEn;
}

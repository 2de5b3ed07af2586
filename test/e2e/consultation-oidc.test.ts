/**
 * Staff sign in to the video consultation through an OpenID Connect provider (a real one,
 * oidc-provider, on loopback): the sign-in page offers the organisation's account, the provider's
 * own login and consent pages follow, and the staff member comes back to the queue with a
 * session; the first sign-in made them an account in the staff file, tied to the provider's `sub`.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Provider from "oidc-provider";
import { newParticipant } from "../helpers/browser.js";
import { useServerAndBrowser } from "../helpers/suite.js";

/** A port nobody uses now (the provider must know Treff's address before Treff starts). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("video consultation: staff sign-in with OpenID Connect", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "treff-consultation-oidc-"));
  let treffPort = 0;
  let issuer = "";
  let providerServer: Server | undefined;

  before(async () => {
    treffPort = await freePort();
    const providerPort = await freePort();
    issuer = `http://localhost:${providerPort}`;
    const provider = new Provider(issuer, {
      clients: [
        {
          client_id: "treff",
          client_secret: "treff-client-secret-for-tests",
          redirect_uris: [`http://localhost:${treffPort}/staff/oidc/callback`],
          grant_types: ["authorization_code"],
          response_types: ["code"],
        },
      ],
      claims: { openid: ["sub"], profile: ["name"] },
      findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub, name: "Dr. Oidc" }) }),
      features: { devInteractions: { enabled: true } },
    });
    providerServer = provider.listen(providerPort);
  });
  after(() => providerServer?.close());

  const suite = useServerAndBrowser(() => ({
    logLevel: "info",
    config: {
      port: treffPort,
      consultation: { dataDir, oidc: { issuer, clientId: "treff", clientSecret: "treff-client-secret-for-tests" } },
    },
  }));

  test("the organisation's provider signs the staff member in; they see the queue", async () => {
    const staff = await newParticipant(suite.browser, { viewport: { width: 1280, height: 720 } });
    await staff.page.goto(`http://localhost:${treffPort}/staff`);
    await staff.page.getByRole("link", { name: "Sign in with your organisation's account" }).click();
    // The provider's own (development) login and consent pages.
    await staff.page.locator("input[name=login]").fill("anna");
    await staff.page.locator("input[name=password]").fill("any");
    await staff.page.locator("button[type=submit]").click();
    await staff.page.locator("button[autofocus], button[type=submit]").first().click();
    await staff.page.getByRole("heading", { name: "Waiting room" }).waitFor();
    await staff.page.getByText("Signed in as Dr. Oidc").waitFor();
    const stored = JSON.parse(readFileSync(join(dataDir, "consultation.json"), "utf8")) as { staff: { name: string; oidc?: { issuer: string; subject: string } }[] };
    assert.deepEqual(stored.staff.map((s) => [s.name, s.oidc]), [["Dr. Oidc", { issuer, subject: "anna" }]]);
    // Cookies do not tell ports apart: the provider's own sit beside Treff's.
    const cookie = (await staff.context.cookies(`http://localhost:${treffPort}`)).find((c) => c.name === "treff_staff");
    assert.equal(cookie?.httpOnly, true);
    assert.equal(cookie?.sameSite, "Strict");

    // A callback that this server did not start is refused.
    const forged = await fetch(`http://localhost:${treffPort}/staff/oidc/callback?code=x&state=forged`);
    assert.equal(forged.status, 400);
    await staff.context.close();
  });
});

/**
 * The privacy-relevant HTTP behaviour of a running Treff (with its real
 * Janus): the security headers on every kind of response, as configured
 * (frame-ancestors, HSTS behind a trusted TLS proxy), and the /privacy page
 * in both languages with the configured operator, escaped.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startTestServer, type TestServer } from "../helpers/server.js";

const OPERATOR = "Praxis <Dr. Ärztin> & Co";
const OPERATOR_ESCAPED = "Praxis &#60;Dr. Ärztin&#62; &#38; Co";

/** One request of each kind Treff answers. */
const REQUESTS: { what: string; path: string; method?: string; status: number }[] = [
  { what: "home page", path: "/", status: 200 },
  { what: "room page", path: "/r/x", status: 200 },
  { what: "privacy page", path: "/privacy", status: 200 },
  { what: "client script", path: "/app.js", status: 200 },
  { what: "stylesheet", path: "/app.css", status: 200 },
  { what: "unknown path", path: "/no-such-thing", status: 404 },
  { what: "meeting creation", path: "/api/meetings", method: "POST", status: 200 },
];

function request(server: TestServer, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(server.url + path, init);
}

/** A header of `name=value, name=value` or `name value; name value` as a map. */
function parseList(header: string, separator: string, assign: string | RegExp): Map<string, string> {
  return new Map(
    header
      .split(separator)
      .map((part) => part.trim())
      .filter(Boolean)
      .map((part) => {
        const [name, ...rest] = part.split(assign);
        return [name!, rest.join(typeof assign === "string" ? assign : " ")] as const;
      }),
  );
}

function checkHeaders(response: Response, where: string, frameAncestors = "'none'"): void {
  const csp = response.headers.get("content-security-policy");
  assert.ok(csp, `${where}: has a Content-Security-Policy`);
  const directives = parseList(csp, ";", /\s+/);
  assert.equal(directives.get("connect-src"), "'self'", `${where}: connections only to this origin`);
  assert.equal(directives.get("default-src"), "'self'", `${where}: default-src`);
  assert.equal(directives.get("script-src"), "'self' 'wasm-unsafe-eval'", `${where}: script only from this origin (WebAssembly may compile, no eval)`);
  assert.equal(directives.get("style-src"), "'self'", `${where}: style only from this origin`);
  assert.equal(directives.get("frame-ancestors"), frameAncestors, `${where}: frame-ancestors`);
  assert.doesNotMatch(csp.replaceAll("'wasm-unsafe-eval'", ""), /unsafe-inline|unsafe-eval/, `${where}: no unsafe-inline or unsafe-eval`);
  assert.equal(response.headers.get("referrer-policy"), "no-referrer", `${where}: Referrer-Policy`);
  assert.equal(response.headers.get("x-content-type-options"), "nosniff", `${where}: X-Content-Type-Options`);

  const permissions = parseList(response.headers.get("permissions-policy") ?? "", ",", "=");
  for (const feature of ["camera", "microphone", "display-capture"]) {
    assert.equal(permissions.get(feature), "(self)", `${where}: ${feature} for this origin only`);
  }
  for (const [feature, allow] of permissions) {
    if (!["camera", "microphone", "display-capture"].includes(feature)) assert.equal(allow, "()", `${where}: ${feature} for nobody`);
  }
}

async function send(server: TestServer, r: (typeof REQUESTS)[number], headers: Record<string, string> = {}): Promise<Response> {
  const response = await request(server, r.path, { method: r.method ?? "GET", headers });
  await response.arrayBuffer();
  assert.equal(response.status, r.status, `${r.what} (${r.path}): status`);
  return response;
}

describe("default configuration", () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer({
      logLevel: "silent",
      config: { operator: { name: OPERATOR, contact: "praxis@example.org", dataProtectionOfficer: "dsb@example.org" } },
    });
  });

  after(async () => {
    await server?.close();
  });

  test("every response carries the security headers: own origin only, not embeddable", async () => {
    for (const r of REQUESTS) checkHeaders(await send(server, r), `${r.what} (${r.path})`);
  });

  test("no HSTS over plain HTTP, and a forged X-Forwarded-Proto is not believed without trustProxy", async () => {
    for (const r of REQUESTS) {
      assert.equal((await send(server, r)).headers.get("strict-transport-security"), null, `${r.what}: plain HTTP`);
      const forged = await send(server, r, { "x-forwarded-proto": "https" });
      assert.equal(forged.headers.get("strict-transport-security"), null, `${r.what}: untrusted X-Forwarded-Proto`);
    }
  });

  for (const language of ["en", "de"] as const) {
    test(`/privacy?lang=${language}: that language, the operator escaped, and E2EE stated as on (the default)`, async () => {
      const response = await request(server, `/privacy?lang=${language}`);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get("content-type"), "text/html; charset=utf-8");
      assert.equal(response.headers.get("content-language"), language);
      const html = await response.text();
      assert.match(html, new RegExp(`<html lang="${language}">`));
      assert.ok(html.includes(OPERATOR_ESCAPED), "the operator's name, escaped");
      assert.ok(!html.includes(OPERATOR), "never the raw name");
      assert.ok(html.includes('<a href="mailto:praxis@example.org">'), "the contact");
      assert.ok(html.includes("dsb@example.org"), "the data protection officer");
      assert.ok(
        html.includes(language === "en" ? "are end-to-end encrypted" : "sind Ende-zu-Ende-verschlüsselt"),
        "says E2EE is on",
      );
      assert.doesNotMatch(html, /<script|<style|\sstyle=/i, "nothing the CSP would block");
      assert.match(html, /<link rel="stylesheet" href="\/app.css">/);
    });
  }

  test("/privacy without ?lang follows Accept-Language", async () => {
    const german = await request(server, "/privacy", { headers: { "accept-language": "de-DE,de;q=0.9,en;q=0.8" } });
    assert.match(await german.text(), /<html lang="de">/);
    const english = await request(server, "/privacy", { headers: { "accept-language": "en-GB,en;q=0.9" } });
    assert.match(await english.text(), /<html lang="en">/);
    const none = await request(server, "/privacy");
    assert.match(await none.text(), /<html lang="en">/);
  });

  test("/privacy says what the operator has not declared: legal basis, hosting, proxy logs, third countries", async () => {
    const html = await (await request(server, "/privacy?lang=en")).text();
    for (const phrase of [
      "The operator has not stated the legal basis (Art. 6 GDPR)",
      "The operator has not stated whether this server runs on their own equipment or at a hosting provider.",
      "The operator has not stated what the web server in front of Treff that encrypts the connection (a reverse proxy) records.",
      "The operator has not stated whether this server run within the European Union or the European Economic Area.",
    ]) {
      assert.ok(html.includes(phrase), phrase);
    }
  });

  test("/privacy does not name a relay when no TURN is configured", async () => {
    const html = await (await request(server, "/privacy?lang=en")).text();
    assert.doesNotMatch(html, /\(TURN\)/);
    assert.ok(html.includes("no outside STUN or relay servers"));
  });
});

describe("configured frame-ancestors, behind a trusted TLS proxy, with TURN", () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer({
      logLevel: "silent",
      config: {
        http: { frameAncestors: ["https://intranet.example"], trustProxy: true },
        turn: { secret: "turn-secret-for-tests", urls: ["turns:turn.example.org:443?transport=tcp"] },
      },
    });
  });

  after(async () => {
    await server?.close();
  });

  test("the CSP allows exactly the configured origin to embed Treff", async () => {
    for (const r of REQUESTS) checkHeaders(await send(server, r), `${r.what} (${r.path})`, "https://intranet.example");
  });

  test("HSTS is sent when the proxy says the request came over HTTPS, and only then", async () => {
    for (const r of REQUESTS) {
      const secure = await send(server, r, { "x-forwarded-proto": "https" });
      assert.match(secure.headers.get("strict-transport-security") ?? "", /^max-age=(\d+)/, `${r.what}: HSTS over HTTPS`);
      const seconds = Number(/max-age=(\d+)/.exec(secure.headers.get("strict-transport-security")!)![1]);
      assert.ok(seconds >= 180 * 24 * 3600, `${r.what}: HSTS for at least half a year`);
      const plain = await send(server, r, { "x-forwarded-proto": "http" });
      assert.equal(plain.headers.get("strict-transport-security"), null, `${r.what}: no HSTS over HTTP`);
    }
  });

  test("/privacy names the operator's relay and says the operator has not filled in who runs the server", async () => {
    const html = await (await request(server, "/privacy?lang=de")).text();
    assert.ok(html.includes("Relay-Server (TURN)"));
    assert.ok(html.includes("<strong>turn.example.org</strong>"));
    assert.ok(html.includes("Der Betreiber dieses Servers hat nicht eingetragen, wer er ist"));
  });
});

describe("an operator who declared everything, in the configuration file's form", () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer({
      logLevel: "silent",
      config: {
        operator: { name: "Praxis Dr. Ärztin", contact: "praxis@example.org" },
        privacy: {
          legalBasis: ["contract"],
          healthData: true,
          hostingProvider: "Rechenzentrum <AG>",
          processors: [{ name: "IT-Service KG", purpose: { de: "Wartung", en: "maintenance" }, country: "Deutschland" }],
          thirdCountries: "none",
          proxyLogs: "none",
          turnLogs: "addresses",
          turnLogDays: 3,
          notes: { de: "Termine unter 0123 456789.", en: "Appointments on +49 123 456789." },
        },
        turn: { secret: "turn-secret-for-tests", urls: ["turns:turn.example.org:443?transport=tcp"] },
      },
    });
  });

  after(async () => {
    await server?.close();
  });

  const EXPECTED = {
    en: [
      "Art. 6(1)(b) GDPR",
      "Art. 9(2)(h) GDPR",
      "<strong>Rechenzentrum &#60;AG&#62;</strong>, which processes data only on the operator’s behalf",
      "<strong>IT-Service KG</strong> (Deutschland): maintenance",
      "keeps no log of requests either",
      "The relay server logs each connection with your connection address; these logs are deleted after 3 days.",
      "Your data is not transferred to countries outside the European Union",
      "(data portability, Art. 20)",
      "<h2>More from the operator</h2>\n<p>Appointments on +49 123 456789.</p>",
    ],
    de: [
      "Art. 6 Abs. 1 lit. b DSGVO",
      "Art. 9 Abs. 2 lit. h DSGVO",
      "<strong>Rechenzentrum &#60;AG&#62;</strong>, der Daten nur im Auftrag und nach Weisung des Betreibers verarbeitet",
      "<strong>IT-Service KG</strong> (Deutschland): Wartung",
      "Auch der Webserver vor Treff, der die Verbindung verschlüsselt (ein Reverse Proxy), protokolliert keine Anfragen.",
      "Der Relay-Server protokolliert jede Verbindung mit Ihrer Verbindungsadresse; diese Protokolle werden nach 3 Tagen gelöscht.",
      "Ihre Daten werden nicht in Länder außerhalb der Europäischen Union",
      "Datenübertragbarkeit",
      "<h2>Weitere Hinweise des Betreibers</h2>\n<p>Termine unter 0123 456789.</p>",
    ],
  };

  for (const language of ["en", "de"] as const) {
    test(`/privacy?lang=${language} states the declared legal basis, processors, logs, transfers and the operator's text`, async () => {
      const response = await request(server, `/privacy?lang=${language}`);
      assert.equal(response.status, 200);
      checkHeaders(response, "/privacy");
      const html = await response.text();
      for (const phrase of EXPECTED[language]) assert.ok(html.includes(phrase), phrase);
      assert.ok(!html.includes("<AG>"), "never the raw value");
      assert.doesNotMatch(html, /has not stated|hat nicht angegeben/, "nothing is left undeclared");
    });
  }
});

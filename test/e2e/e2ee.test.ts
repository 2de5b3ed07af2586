/**
 * End-to-end encryption as people have it, in real Chromium against the
 * real server and Janus: three people see and hear each other through
 * encrypted frames, chat is sealed, re-keying on arrival and departure keeps
 * video flowing and leaves the leaver without keys, a participant with wrong
 * keys gets frames but decodes none, safety codes match for honest keys and
 * differ when a key is swapped in transit, the server's frames never carry a
 * key, and a browser without E2EE is shown as such and can be kept out.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { joinFromPrejoin, joinMeeting, newParticipant, openPanelFromMore, playingRemoteNames, type ParticipantPage, seesPlaying as seesPlayingNames, framesKeepComing as framesKeepComingOn } from "../helpers/browser.js";
import { createMeeting } from "../helpers/server.js";
import { SCREENSHOTS, useServerAndBrowser } from "../helpers/suite.js";
import { waitUntil } from "../helpers/wait.js";
import {
  inboundAudio,
  inboundVideo,
  instrumentE2ee,
  keySpellings,
  longestFreezes,
  recordSignaling,
  recordedKeys,
  watchFreezes,
  type RecordedKey,
} from "../helpers/e2ee.js";
import { createIdentity, ratchet } from "../../src/client/e2ee/keys.js";

/** The meeting every test of this suite meets in ("verschluesselt-…": creation adds a random part). */
let room = "";
/** Longest a remote video may stand still while keys change. */
const MAX_FREEZE_MS = 1_000;

interface Person extends ParticipantPage {
  name: string;
  /** Every signaling frame of this page, both directions. */
  frames: string[];
}

const seesPlaying = (p: Person, names: string[]) => seesPlayingNames(p.page, names, p.name, 20_000);
const framesKeepComing = (p: Person, names: string[]) => framesKeepComingOn(p.page, names, p.name);

/**
 * Ada's view of Ben and Ben's of Ada never stood still for MAX_FREEZE_MS while
 * `what` happened (`freezes`: per viewer, per remote tile, the longest gap).
 */
function assertNoFreeze(what: string, freezes: Record<string, Record<string, number>>): void {
  for (const [viewer, seen] of [["Ada", "Ben"], ["Ben", "Ada"]] as const) {
    const longest = freezes[viewer]?.[seen];
    assert.ok(longest !== undefined && longest < MAX_FREEZE_MS, `during ${what}, ${viewer}'s view of ${seen} stood still for ${longest} ms (${JSON.stringify(freezes)})`);
  }
}

/** The encryption line at the top of the meeting. */
const encryptionLine = (page: Page) => page.locator("p.encryption");

async function openPeople(page: Page): Promise<void> {
  const button = page.getByRole("button", { name: /^People/ });
  if ((await button.getAttribute("aria-expanded")) !== "true") await button.click();
}

/** Opens "Verify <name>" in the People panel and reads the safety code from the dialog. */
async function safetyCodeWith(page: Page, name: string): Promise<string> {
  await openPeople(page);
  await page.getByRole("button", { name: `Verify ${name}` }).click();
  const dialog = page.getByRole("dialog", { name: `Safety code with ${name}` });
  await waitUntil(`the safety code with ${name}`, () => dialog.locator(".safety-code").textContent(), (code) => !!code);
  return (await dialog.locator(".safety-code").textContent()) ?? "";
}

/** How many identity key pairs the page's origin keeps in IndexedDB. */
function keptIdentities(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const opening = indexedDB.open("treff");
        opening.onerror = () => reject(opening.error);
        opening.onsuccess = () => {
          const counting = opening.result.transaction("identities").objectStore("identities").count();
          counting.onsuccess = () => {
            opening.result.close();
            resolve(counting.result);
          };
        };
      }),
  );
}

async function closeDialog(page: Page): Promise<void> {
  await page.getByRole("dialog").getByRole("button", { name: "Close" }).click();
}

describe("end-to-end encryption", () => {
  const suite = useServerAndBrowser({ logLevel: "warn", config: { meetings: { lobby: false } } });
  let moderatorKey: string;
  const people: Record<string, Person> = {};
  /** Every page ever opened, for the check that no key reached the server. */
  const everyone: Person[] = [];

  async function arrive(name: string, options: { corruptReceivedKeys?: boolean; withoutE2ee?: boolean; moderator?: boolean } = {}): Promise<Person> {
    const participant = await newParticipant(suite.browser);
    await instrumentE2ee(participant.context, options);
    if (options.withoutE2ee) await participant.context.addInitScript(() => delete (window as { RTCRtpScriptTransform?: unknown }).RTCRtpScriptTransform);
    const person: Person = { ...participant, name, frames: recordSignaling(participant.page) };
    await person.page.goto(`${suite.server.url}/r/${room}${options.moderator ? `#moderator=${moderatorKey}` : ""}`);
    await joinFromPrejoin(person.page, name);
    people[name] = person;
    everyone.push(person);
    return person;
  }

  async function leave(person: Person): Promise<void> {
    await person.page.getByRole("button", { name: "Leave meeting" }).click();
    await person.page.getByRole("heading", { name: "You left the meeting" }).waitFor();
    delete people[person.name];
  }

  before(async () => {
    ({ room, moderatorKey } = await createMeeting(suite.server, "verschluesselt"));
  });

  test("three browsers see each other's video and hear each other through encrypted frames, and say so; the re-keying on arrival freezes nobody", async () => {
    const ada = await arrive("Ada", { moderator: true });
    const ben = await arrive("Ben");
    await seesPlaying(ada, ["Ben"]);
    await seesPlaying(ben, ["Ada"]);
    // From here on, every gap between two frames counts: Cy's arrival re-keys everyone.
    await watchFreezes(ada.page);
    await watchFreezes(ben.page);
    const cy = await arrive("Cy");
    for (const p of [ada, ben, cy]) {
      const others = ["Ada", "Ben", "Cy"].filter((n) => n !== p.name);
      await seesPlaying(p, others);
      await framesKeepComing(p, others);
      await waitUntil(`${p.name}'s line to say the meeting is encrypted`, () => encryptionLine(p.page).textContent(), (text) => !!text?.startsWith("End-to-end encrypted"));
      await waitUntil(
        `${p.name} to hear both others`,
        () => inboundAudio(p.page),
        (streams) => streams.filter((s) => s.energy > 0 && s.concealed < 0.5).length === 2,
        20_000,
      );
    }
    assertNoFreeze("Cy's arrival", { Ada: await longestFreezes(ada.page), Ben: await longestFreezes(ben.page) });
    const keys = await recordedKeys(ben.page);
    assert.deepEqual(
      keys.filter((k) => k.type === "sendKey").map((k) => k.keyId),
      [0, 1],
      "Ben started with key 0 and moved on to its ratchet when Cy arrived",
    );
    await ada.page.screenshot({ path: `${SCREENSHOTS}/e2ee-meeting.png` });
  });

  test("chat is sealed: everyone reads it, the server's frames never carry its text", async () => {
    const { Ada: ada, Ben: ben, Cy: cy } = people;
    const text = "Geheimnis Grünkohl – Grüße";
    await ada!.page.getByRole("button", { name: "Chat", exact: true }).click();
    await ada!.page.getByRole("textbox", { name: "Message" }).fill(text);
    await ada!.page.getByRole("button", { name: "Send" }).click();
    for (const p of [ada!, ben!, cy!]) await p.page.locator(".chat-panel").getByText(text).waitFor({ state: "attached" });
    assert.ok(
      everyone.flatMap((p) => p.frames).some((f) => f.includes('"sealedChat"')),
      "the message travelled sealed",
    );
    // Words, not digits: a short number can turn up in a timestamp or a candidate by chance.
    for (const needle of ["Geheimnis", "Grünkohl", "Gr\\u00fcnkohl", "Grüße", "Gr\\u00fc\\u00dfe"]) {
      assert.ok(!everyone.some((p) => p.frames.some((f) => f.includes(needle))), `no signaling frame contains ${needle}`);
    }
    await ada!.page.getByRole("button", { name: "Chat", exact: true }).click();
  });

  test("two people read the same safety code; the code differs for another pair", async () => {
    const { Ada: ada, Ben: ben } = people;
    const adaSees = await safetyCodeWith(ada!.page, "Ben");
    await ada!.page.screenshot({ path: `${SCREENSHOTS}/e2ee-safety-code.png` });
    await closeDialog(ada!.page);
    const benSees = await safetyCodeWith(ben!.page, "Ada");
    await closeDialog(ben!.page);
    assert.match(adaSees, /^\d{5}( \d{5}){11}$/, "two fingerprints of 30 digits");
    assert.equal(adaSees, benSees);
    const adaAndCy = await safetyCodeWith(ada!.page, "Cy");
    await closeDialog(ada!.page);
    assert.notEqual(adaAndCy, adaSees);
    // Ada's own fingerprint is half of both codes: one fingerprint per identity key.
    const halves = (code: string) => [code.split(" ").slice(0, 6).join(" "), code.split(" ").slice(6).join(" ")];
    assert.equal(halves(adaSees).filter((half) => halves(adaAndCy).includes(half)).length, 1);
  });

  test("the digits match: Ada marks Ben verified, and People says so until the meeting ends for her", async () => {
    const { Ada: ada } = people;
    await safetyCodeWith(ada!.page, "Ben");
    await ada!.page.getByRole("dialog").getByRole("button", { name: "The digits match: Ben is verified" }).click();
    const people$ = ada!.page.getByRole("region", { name: "People" });
    await people$.getByText("verified, end-to-end encrypted").waitFor();
    await ada!.page.getByRole("button", { name: "Verify Ben" }).click();
    await ada!.page.getByRole("dialog").getByText("You verified Ben with this code.").waitFor();
    await closeDialog(ada!.page);
    assert.equal(await ada!.page.getByRole("alert").filter({ hasText: "security key" }).count(), 0, "no key-change alert");
  });

  test("when someone leaves, video keeps flowing and the keys that follow are out of the leaver's reach", async () => {
    const { Ada: ada, Ben: ben, Cy: cy } = people;
    const cyHad = (await recordedKeys(cy!.page)).filter((k) => k.type === "receiveKey").map((k) => k.hex);
    await watchFreezes(ada!.page);
    await watchFreezes(ben!.page);
    const leftAt = Date.now();
    await leave(cy!);
    await seesPlaying(ada!, ["Ben"]);
    // The fresh key travels for a second before it is used.
    await waitUntil("Ben to encrypt with a key made after Cy left", () => recordedKeys(ben!.page), (keys) => keys.some((k) => k.type === "sendKey" && k.at > leftAt + 500));
    await framesKeepComing(ada!, ["Ben"]);
    await framesKeepComing(ben!, ["Ada"]);
    assertNoFreeze("Cy's departure", { Ada: await longestFreezes(ada!.page), Ben: await longestFreezes(ben!.page) });

    const reachable = new Set(cyHad);
    for (const hex of cyHad) {
      let raw: Uint8Array = Uint8Array.from(Buffer.from(hex, "hex"));
      for (let step = 0; step < 8; step++) reachable.add(Buffer.from((raw = await ratchet(raw))).toString("hex"));
    }
    for (const p of [ada!, ben!]) {
      const current = (await recordedKeys(p.page)).filter((k) => k.type === "sendKey").at(-1)!;
      assert.ok(current.at > leftAt, `${p.name} encrypts with a key made after Cy left`);
      assert.ok(!reachable.has(current.hex), `${p.name}'s new key is neither one Cy held nor a ratchet of one`);
    }
  });

  test("a participant whose keys are wrong receives the frames but cannot decode a single one", async () => {
    const eve = await arrive("Eve", { corruptReceivedKeys: true });
    await seesPlaying(people.Ada!, ["Ben", "Eve"]);
    await waitUntil("Eve to receive video", () => inboundVideo(eve.page), (v) => v.bytes > 50_000, 20_000);
    const before = await inboundVideo(eve.page);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const later = await inboundVideo(eve.page);
    assert.ok(later.bytes > before.bytes, "encrypted frames keep arriving");
    assert.equal(later.framesDecoded, 0, "not one of them decodes");
    assert.deepEqual(await playingRemoteNames(eve.page), [], "Eve sees no picture of anyone");
    await leave(eve);
    await seesPlaying(people.Ada!, ["Ben"]);
  });

  test("a public key swapped in transit shows: different safety codes, and the swapped keys do not open; forged chat is marked, repeated chat shown once", async () => {
    // What a malicious server would do: tell Fay that Ada's key is one of its own.
    const attacker = (await createIdentity()).publicKey;
    const fay = await newParticipant(suite.browser);
    await instrumentE2ee(fay.context);
    let toFay: (message: string) => void = () => {};
    const sealedToFay: string[] = [];
    await fay.page.routeWebSocket(/\/ws$/, (ws) => {
      const server = ws.connectToServer();
      toFay = (message) => ws.send(message);
      ws.onMessage((message) => server.send(message));
      server.onMessage((message) => {
        if (String(message).includes('"sealedChat"')) sealedToFay.push(String(message));
        ws.send(String(message).replace(/("name":"Ada"[^{}]*"publicKey":")[A-Za-z0-9_-]{87}/g, `$1${attacker}`));
      });
    });
    const person: Person = { ...fay, name: "Fay", frames: recordSignaling(fay.page) };
    everyone.push(person);
    await fay.page.goto(`${suite.server.url}/r/${room}`);
    await joinFromPrejoin(fay.page, "Fay");
    await seesPlaying(people.Ben!, ["Ada", "Fay"]);
    // Neither side can open the other's keys: each sealed them for a key the other does not have.
    await waitUntil("Fay's line to say Ada's keys do not match", () => encryptionLine(fay.page).textContent(), (text) => !!text?.includes("Ada: keys do not match"));
    await waitUntil("Ada's line to say Fay's keys do not match", () => encryptionLine(people.Ada!.page).textContent(), (text) => !!text?.includes("Fay: keys do not match"));
    const fayReads = await safetyCodeWith(fay.page, "Ada");
    await fay.page.screenshot({ path: `${SCREENSHOTS}/e2ee-keys-swapped.png` });
    await closeDialog(fay.page);
    const adaReads = await safetyCodeWith(people.Ada!.page, "Fay");
    await closeDialog(people.Ada!.page);
    assert.notEqual(fayReads, adaReads, "the two codes differ: someone is in the middle");
    assert.deepEqual(await playingRemoteNames(fay.page), ["Ben"], "Fay sees Ben, but not Ada's picture");
    assert.deepEqual(await playingRemoteNames(people.Ada!.page), ["Ben"], "nor Ada Fay's");

    // The same server forges a chat message in Ada's name: it cannot seal it, and Fay's chat says so.
    toFay(JSON.stringify({ type: "chat", from: "forged", name: "Ada", text: "Bitte überweisen Sie heute", at: Date.now() }));
    await fay.page.getByRole("button", { name: /^Chat/ }).click();
    const forged = fay.page.locator(".chat-panel li", { hasText: "Bitte überweisen Sie heute" });
    await forged.getByText("not end-to-end encrypted").waitFor();

    // It sends one of Ben's sealed messages a second time: Fay shows it once.
    const ben = people.Ben!.page;
    const say = async (text: string) => {
      await ben.getByRole("textbox", { name: "Message" }).fill(text);
      await ben.getByRole("button", { name: "Send" }).click();
    };
    await ben.getByRole("button", { name: /^Chat/ }).click();
    await say("Termin um drei");
    const once = fay.page.locator(".chat-panel li", { hasText: "Termin um drei" });
    await once.waitFor();
    toFay(sealedToFay.at(-1)!);
    await say("Bis gleich");
    await fay.page.locator(".chat-panel li", { hasText: "Bis gleich" }).waitFor(); // shown in order: the repeat came before
    assert.equal(await once.count(), 1, "the repeated message is not shown again");
    await ben.getByRole("button", { name: /^Chat/ }).click();
    await fay.page.getByRole("button", { name: "Leave meeting" }).click();
    await seesPlaying(people.Ben!, ["Ada"]);
  });

  test("no signaling frame of any page ever carried a media key", () => {
    const keys: RecordedKey[] = [];
    return Promise.all(
      everyone.filter((p) => !p.page.isClosed()).map(async (p) => keys.push(...(await recordedKeys(p.page)))),
    ).then(() => {
      assert.ok(keys.length >= 10, `keys were recorded (${keys.length})`);
      const frames = everyone.flatMap((p) => p.frames);
      assert.ok(frames.filter((f) => f.includes('"e2eeKey"')).length >= 6, "sealed keys went through the server");
      for (const key of keys) {
        for (const spelling of keySpellings(key.hex)) {
          assert.ok(!frames.some((f) => f.includes(spelling)), `the ${key.type} ${key.keyId} of some page appears in a frame`);
        }
      }
    });
  });

  test("a browser without E2EE is shown to everyone as such, and a moderator can keep such browsers out", async () => {
    const gus = await arrive("Gus", { withoutE2ee: true });
    await waitUntil("Gus's own line", () => encryptionLine(gus.page).textContent(), (text) => !!text?.startsWith("Not end-to-end encrypted"));
    const ada = people.Ada!;
    await waitUntil("Ada's line to name Gus", () => encryptionLine(ada.page).textContent(), (text) => !!text?.includes("Gus: not end-to-end encrypted"));
    assert.ok((await encryptionLine(ada.page).textContent())?.startsWith("Not end-to-end encrypted for everyone"));
    await seesPlaying(ada, ["Ben", "Gus"]);
    await ada.page.getByRole("figure", { name: "Gus" }).getByRole("img", { name: "not end-to-end encrypted" }).waitFor();
    await ada.page.screenshot({ path: `${SCREENSHOTS}/e2ee-not-for-everyone.png` });
    await leave(gus);

    await openPanelFromMore(ada.page, "Meeting settings");
    const requirement = ada.page.getByRole("button", { name: "Only browsers with end-to-end encryption may join" });
    await requirement.click();
    await waitUntil("the requirement to be on", () => requirement.getAttribute("aria-pressed"), (pressed) => pressed === "true");
    const old = await arrive("Old Browser", { withoutE2ee: true });
    await old.page.getByText("This meeting admits only browsers that encrypt end to end.", { exact: false }).waitFor();
    await old.page.screenshot({ path: `${SCREENSHOTS}/e2ee-required.png` });
    assert.deepEqual(await playingRemoteNames(ada.page), ["Ben"], "nobody got in");
  });

  test("a meeting created with a passphrase link: those with the whole link see each other encrypted, a link without it cannot", async () => {
    for (const person of Object.values(people)) await person.context.close(); // a quiet machine for the next three
    const iris = await newParticipant(suite.browser);
    await iris.page.goto(suite.server.url);
    await iris.page.getByRole("checkbox", { name: "Protect with a passphrase in the link" }).check();
    await iris.page.screenshot({ path: `${SCREENSHOTS}/home-passphrase-en.png` });
    await iris.page.getByRole("button", { name: "New meeting" }).click();
    await iris.page.getByRole("heading", { name: "Ready to join?" }).waitFor();
    assert.match(iris.page.url(), /#passphrase=[a-z2-9]{5}(-[a-z2-9]{5}){3}$/, "the moderator key left the address bar, the passphrase stays");
    await joinFromPrejoin(iris.page, "Iris");
    await openPanelFromMore(iris.page, "Meeting settings");
    const guestLink = await iris.page.getByRole("textbox", { name: "Link for guests" }).inputValue();
    assert.equal(guestLink, iris.page.url());
    assert.match(await iris.page.getByRole("textbox", { name: "Moderator link (keep it private)" }).inputValue(), /#moderator=[\w.-]+&passphrase=/);
    await iris.page.getByText("Both links carry the meeting's passphrase", { exact: false }).waitFor();
    await iris.page.screenshot({ path: `${SCREENSHOTS}/settings-passphrase-en.png` });
    await iris.page.getByRole("region", { name: "Meeting settings" }).getByRole("button", { name: "Close panel" }).click();

    const jon = await joinMeeting(suite.browser, guestLink, "Jon");
    await seesPlayingNames(iris.page, ["Jon"], "Iris", 20_000);
    await seesPlayingNames(jon.page, ["Iris"], "Jon", 20_000);
    for (const page of [iris.page, jon.page]) {
      await waitUntil("the line to say the meeting is encrypted", () => encryptionLine(page).textContent(), (text) => !!text?.startsWith("End-to-end encrypted"));
    }

    const kim = await joinMeeting(suite.browser, guestLink.replace(/#.*$/, ""), "Kim");
    await waitUntil("Iris's line to say Kim's keys do not match", () => encryptionLine(iris.page).textContent(), (text) => !!text?.includes("Kim: keys do not match"));
    await waitUntil("Kim's line to say the others' keys do not match", () => encryptionLine(kim.page).textContent(), (text) => !!text?.includes("Iris: keys do not match"));
    for (const p of [iris, jon, kim]) await p.context.close();
  });

  test("a reload keeps the identity, so the safety codes people compared stay; leaving deletes the kept key", async () => {
    const room = `${suite.server.url}/r/nachladen`;
    const lea = await joinMeeting(suite.browser, room, "Lea");
    const max = await joinMeeting(suite.browser, room, "Max");
    await seesPlayingNames(lea.page, ["Max"], "Lea", 20_000);
    const compared = await safetyCodeWith(lea.page, "Max");
    await closeDialog(lea.page);
    assert.equal(await keptIdentities(max.page), 1, "one key pair kept, for this tab and meeting");

    await max.page.reload();
    await seesPlayingNames(max.page, ["Lea"], "Max after the reload", 20_000);
    await seesPlayingNames(lea.page, ["Max"], "Lea", 20_000);
    await waitUntil("Lea's line to say the meeting is encrypted", () => encryptionLine(lea.page).textContent(), (text) => !!text?.startsWith("End-to-end encrypted"));
    assert.equal(await safetyCodeWith(lea.page, "Max"), compared, "Lea reads the same code");
    await closeDialog(lea.page);
    assert.equal(await safetyCodeWith(max.page, "Lea"), compared, "and so does Max");
    await closeDialog(max.page);

    await max.page.getByRole("button", { name: "Leave meeting" }).click();
    await max.page.getByRole("heading", { name: "You left the meeting" }).waitFor();
    await waitUntil("the kept key to be deleted", () => keptIdentities(max.page), (count) => count === 0);
    for (const p of [lea, max]) await p.context.close();
  });
});

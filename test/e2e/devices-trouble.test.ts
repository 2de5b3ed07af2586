/**
 * When the camera or microphone cannot be had — blocked by the browser,
 * missing, or used by another program — the pre-join screen says so in
 * plain words, with what to do, as soon as the person switches it on, and the person can still join without them
 * (the others see them with camera and microphone off). The browser's
 * answer is simulated in the page, the way each browser reports it.
 */
import { describe, test } from "node:test";
import { joinFromPrejoin, joinMeeting, newParticipant } from "../helpers/browser.js";
import { useServerAndBrowser } from "../helpers/suite.js";
import { waitUntil } from "../helpers/wait.js";

const CASES = [
  { error: "NotAllowedError", en: "The browser blocks camera and microphone for this page.", de: "Der Browser sperrt Kamera und Mikrofon für diese Seite." },
  { error: "NotFoundError", en: "No camera or microphone found. You can join without them.", de: "Keine Kamera und kein Mikrofon gefunden." },
  { error: "NotReadableError", en: "The camera or microphone is used by another program.", de: "Kamera oder Mikrofon werden von einem anderen Programm benutzt." },
] as const;

describe("camera and microphone trouble", () => {
  const suite = useServerAndBrowser({ logLevel: "warn", config: { meetings: { lobby: false } } });

  for (const { error, en, de } of CASES) {
    for (const [locale, text] of [["en-US", en], ["de-DE", de]] as const) {
      test(`${error} is explained (${locale})`, async () => {
        const p = await newParticipant(suite.browser, { locale });
        await p.context.addInitScript((name: string) => {
          navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException("simulated", name));
        }, error);
        await p.page.goto(`${suite.server.url}/r/trouble-${error}`);
        // Nothing is asked of the browser until the person switches the camera on.
        await p.page.getByRole("button", { name: locale === "de-DE" ? "Kamera einschalten" : "Turn on camera" }).click();
        await p.page.getByRole("alert").filter({ hasText: text }).waitFor();
        await p.context.close();
      });
    }
  }

  test("without any device one still joins, and the others see camera and microphone off", async () => {
    const room = `${suite.server.url}/r/no-devices-${Date.now().toString(36)}`;
    const lea = await newParticipant(suite.browser);
    await lea.context.addInitScript(() => {
      navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException("simulated", "NotFoundError"));
    });
    await lea.page.goto(room);
    await lea.page.getByRole("button", { name: "Turn on camera" }).waitFor();
    await joinFromPrejoin(lea.page, "Lea");
    const max = await joinMeeting(suite.browser, room, "Max");
    const tile = max.page.getByRole("figure", { name: "Lea" });
    await tile.getByRole("img", { name: "Microphone off" }).waitFor();
    await waitUntil("Lea's tile shows initials", () => tile.evaluate((el) => el.classList.contains("camera-off")), (off) => off);
    await waitUntil("Lea sees Max", () => lea.page.locator("figure.tile").count(), (n) => n === 2);
    await lea.context.close();
    await max.context.close();
  });
});

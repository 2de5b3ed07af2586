/**
 * npm run bench:slides — how long the others wait for a presentation: a
 * 50 MB, 300-page PDF (made here: every page a picture of noise, which no
 * compression shrinks) presented by one of three real Chromium participants
 * with end-to-end encryption on. Measured from the moment the presenter
 * chose the file: the first page on the others' screens (the presenter's
 * picture of it, sent ahead of the file), a page turn while the file is
 * still on its way, the whole file in and the page drawn by pdf.js, and a
 * page turn after that. Results go into BENCHMARKS.md between bench:slides markers.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { deflateSync } from "node:zlib";
import PDFDocument from "pdfkit";
import type { Page } from "playwright-core";
import { chooseFromMore, joinFromPrejoin, launchBrowser, newParticipant } from "../test/helpers/browser.js";
import { createMeeting, startTestServer } from "../test/helpers/server.js";
import { machineDescription, replaceSection } from "./report.js";

const PAGES = Number(process.env.BENCH_PAGES ?? 300);
const TARGET_BYTES = Number(process.env.BENCH_BYTES ?? 50_000_000);

/** A PNG of random RGB pixels (stored, not compressed: noise does not compress). */
function noisePng(width: number, height: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes: Buffer) => {
    let c = 0xffffffff;
    for (const b of bytes) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length);
    head.write(type, 4, "latin1");
    const tail = Buffer.alloc(4);
    tail.writeUInt32BE(crc(Buffer.concat([head.subarray(4), data])));
    return Buffer.concat([head, data, tail]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) crypto.getRandomValues(rows.subarray(y * (width * 3 + 1) + 1, (y + 1) * (width * 3 + 1)));
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(rows, { level: 0 })), chunk("IEND", Buffer.alloc(0))]);
}

function makePdf(pages: number, bytes: number): Promise<Buffer> {
  const side = Math.floor(Math.sqrt(bytes / pages / 3));
  return new Promise((resolve) => {
    const doc = new PDFDocument({ size: [960, 540], autoFirstPage: false });
    const parts: Buffer[] = [];
    doc.on("data", (part: Buffer) => parts.push(part));
    doc.on("end", () => resolve(Buffer.concat(parts)));
    for (let i = 1; i <= pages; i++) {
      doc.addPage();
      doc.image(noisePng(side, side), 480, 40, { width: 440, height: 440 });
      doc.fill("#1d1d1f").fontSize(40).text(`Page ${i}`, 40, 240);
    }
    doc.end();
  });
}

/** Resolves with Date.now() in the page once its presentation shows `page` from `source` (or any). */
async function shown(page: Page, number: number, source?: "preview" | "pdf"): Promise<number> {
  const selector = `canvas.page-canvas[data-page="${number}"]${source ? `[data-source="${source}"]` : ""}`;
  await page.waitForSelector(selector, { state: "attached", timeout: 600_000 });
  return page.evaluate(() => Date.now());
}

const server = await startTestServer({ logLevel: "warn", config: { meetings: { lobby: false } } });
const browser = await launchBrowser();
const pdf = await makePdf(PAGES, TARGET_BYTES);
// From a file: Playwright hands a buffer this big to the page too slowly.
const pdfPath = join(mkdtempSync(join(tmpdir(), "treff-bench-")), "big.pdf");
writeFileSync(pdfPath, pdf);
console.log(`PDF: ${(pdf.length / 1e6).toFixed(1)} MB, ${PAGES} pages`);
try {
  const { room, moderatorKey } = await createMeeting(server, "vortrag");
  const url = `${server.url}/r/${room}`;
  const people = [];
  for (const [name, suffix] of [["Presenter", `#moderator=${moderatorKey}`], ["Viewer A", ""], ["Viewer B", ""]] as const) {
    const person = await newParticipant(browser, { viewport: { width: 1280, height: 720 } });
    await person.page.goto(url + suffix);
    await joinFromPrejoin(person.page, name, "Join", { microphone: false, camera: false });
    people.push(person);
  }
  for (const p of people) await p.page.getByRole("button", { name: "People (3)" }).waitFor();
  const [presenter, ...viewers] = people.map((p) => p.page) as [Page, Page, Page];
  const chooser = presenter.waitForEvent("filechooser");
  await chooseFromMore(presenter, "Present a PDF");
  const start = Date.now();
  await (await chooser).setFiles(pdfPath, { timeout: 600_000 });
  const announced = Promise.all(viewers.map(async (v) => {
    await v.getByRole("figure", { name: "Presentation by Presenter" }).waitFor({ timeout: 600_000 });
    return v.evaluate(() => Date.now());
  }));
  const presenterFirst = await shown(presenter, 1, "pdf");
  const first = await Promise.all(viewers.map((v) => shown(v, 1)));
  const firstSource = await viewers[0].locator("canvas.page-canvas").getAttribute("data-source");
  // A page turn while the file streams: the presenter's picture of page 2 goes ahead of it.
  const turnAt = await presenter.evaluate(() => Date.now());
  await presenter.getByRole("button", { name: "Next slide" }).click();
  const turned = await Promise.all(viewers.map((v) => shown(v, 2)));
  const full = await Promise.all(viewers.map((v) => shown(v, 2, "pdf")));
  const localTurnAt = await presenter.evaluate(() => Date.now());
  await presenter.getByRole("button", { name: "Next slide" }).click();
  const localTurned = await Promise.all(viewers.map((v) => shown(v, 3, "pdf")));
  const s = (ms: number) => (ms / 1000).toFixed(1);
  const worst = (times: number[], from: number) => Math.max(...times) - from;
  const lines = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${await machineDescription()}.`,
    "",
    `A ${(pdf.length / 1e6).toFixed(1)} MB PDF of ${PAGES} pages presented to two others (three Chromium participants, end-to-end encryption on; the slower of the two viewers counts). Times from the moment the presenter chose the file.`,
    "",
    "| what the others see | seconds |",
    "|---|---|",
    `| (the presenter's own first page, read by pdf.js) | ${s(presenterFirst - start)} |`,
    `| the presentation announced (its frame on the stage) | ${s(worst(await announced, start))} |`,
    `| the first page (${firstSource === "preview" ? "the presenter's picture of it" : "drawn from the file"}) | ${s(worst(first, start))} |`,
    `| a page turn while the file is on its way | ${s(worst(turned, turnAt))} |`,
    `| the whole file in, the page drawn by pdf.js | ${s(worst(full, start))} |`,
    `| a page turn after that | ${s(worst(localTurned, localTurnAt))} |`,
    "",
    `The file's pace is the server's content budget (1 MiB/s after a 4 MiB burst, per sender; src/meeting/content-policy.ts): ${s(worst(full, start))} s for ${(pdf.length / 1e6).toFixed(1)} MB.`,
  ];
  console.log(lines.join("\n"));
  const file = "BENCHMARKS.md";
  writeFileSync(file, replaceSection(readFileSync(file, "utf8"), "slides", lines.join("\n")));
} finally {
  await browser.close();
  await server.close();
  rmSync(dirname(pdfPath), { recursive: true, force: true });
}

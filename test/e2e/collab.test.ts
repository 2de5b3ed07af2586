/**
 * Whiteboard, shared notes and presentations in real Chromium, three (then
 * four) participants with end-to-end encryption on: strokes drawn by one
 * appear for the others, undo takes back only one's own, a newcomer sees the
 * board, "moderators only" holds, notes typed at the same time by two
 * converge, a PDF presented by one is shown to the others and follows the
 * presenter's page turns, a file pdf.js cannot read says so; and every
 * `content` message the server relayed was sealed, with no stroke, note text
 * or PDF byte in clear (read from the WebSocket frames each browser got).
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import PDFDocument from "pdfkit";
import type { Page } from "playwright-core";
import { chooseFromMore, joinFromPrejoin, newParticipant, type ParticipantOptions, type ParticipantPage } from "../helpers/browser.js";
import { SCREENSHOTS, useServerAndBrowser } from "../helpers/suite.js";
import { createMeeting } from "../helpers/server.js";
import { seriousViolations } from "../helpers/axe.js";

const NOTE_MARK = "Vertraulich4711";
const PDF_TEXT = "Folie Geheim";

/** A small PDF of `pages` pages, made here. */
function makePdf(pages: number): Promise<Buffer> {
  return new Promise((resolve) => {
    const doc = new PDFDocument({ size: [800, 450], autoFirstPage: false });
    const parts: Buffer[] = [];
    doc.on("data", (part: Buffer) => parts.push(part));
    doc.on("end", () => resolve(Buffer.concat(parts)));
    for (let i = 1; i <= pages; i++) {
      doc.addPage();
      doc.rect(0, 0, 800, 450).fill(i % 2 ? "#1f6feb" : "#2a9d4b");
      doc.fill("#ffffff").fontSize(48).text(`${PDF_TEXT} ${i}`, 60, 180);
    }
    doc.end();
  });
}

/** Every WebSocket frame the page received from the server, as text. */
function recordFrames(person: ParticipantPage): string[] {
  const frames: string[] = [];
  person.page.on("websocket", (ws) => ws.on("framereceived", (frame) => frames.push(typeof frame.payload === "string" ? frame.payload : frame.payload.toString("latin1"))));
  return frames;
}

/** Drags the mouse over the canvas from (x1, y1) to (x2, y2), given as fractions of its box. */
async function drag(page: Page, from: [number, number], to: [number, number], steps = 12): Promise<void> {
  const canvas = page.locator("figure.board-tile:not(.slides-tile) canvas.board-canvas");
  const box = (await canvas.boundingBox())!;
  await page.mouse.move(box.x + box.width * from[0], box.y + box.height * from[1]);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * to[0], box.y + box.height * to[1], { steps });
  await page.mouse.up();
}

const board = (page: Page, shapes: number) => page.getByRole("img", { name: `Whiteboard, ${shapes} shapes` });

/** How many pixels of the board are (nearly) the pen's red. */
function redPixels(page: Page): Promise<number> {
  return page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>("figure.board-tile:not(.slides-tile) canvas.board-canvas")!;
    const data = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data;
    let red = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i]! > 180 && data[i + 1]! < 80 && data[i + 2]! < 80) red++;
    return red;
  });
}

/** base64url of `text` at each of the three byte alignments, minus the edges that depend on neighbours. */
function base64Variants(text: string): string[] {
  const bytes = Buffer.from(text);
  return [0, 1, 2].map((shift) => Buffer.concat([Buffer.alloc(shift), bytes]).toString("base64url").slice(shift ? 4 : 0, -4));
}

describe("whiteboard, shared notes and presentations, end to end encrypted", () => {
  const suite = useServerAndBrowser({ logLevel: "warn", config: { meetings: { lobby: false } } });
  let ada: ParticipantPage;
  let ben: ParticipantPage;
  let cy: ParticipantPage;
  let room: string;
  const frames: string[][] = [];
  const off = { microphone: false, camera: false };

  /** Joins with microphone and camera off, recording what the server sends from the first frame. */
  async function join(url: string, name: string, options: ParticipantOptions & { joinLabel?: string } = {}): Promise<ParticipantPage> {
    const person = await newParticipant(suite.browser, options);
    frames.push(recordFrames(person));
    await person.page.goto(url);
    await joinFromPrejoin(person.page, name, options.joinLabel, off);
    return person;
  }

  before(async () => {
    const created = await createMeeting(suite.server, "zusammen");
    room = `${suite.server.url}/r/${created.room}`;
    ada = await join(`${room}#moderator=${created.moderatorKey}`, "Ada", { viewport: { width: 1280, height: 720 } });
    await ada.page.getByText("Nobody else is here yet", { exact: false }).waitFor();
    ben = await join(room, "Ben");
    cy = await join(room, "Cy");
    for (const p of [ada, ben, cy]) await p.page.getByRole("button", { name: "People (3)" }).waitFor();
  });

  test("a stroke drawn by one appears for the others; undo takes back only one's own", async () => {
    await chooseFromMore(ada.page, "Whiteboard");
    await ada.page.getByRole("button", { name: "Colour: red" }).click();
    await drag(ada.page, [0.2, 0.3], [0.6, 0.5]);
    for (const p of [ben, cy]) await board(p.page, 1).waitFor();
    assert.ok((await redPixels(cy.page)) > 50, "Ada's red stroke is drawn on Cy's board");
    await ben.page.getByRole("button", { name: "Rectangle", exact: true }).click();
    await drag(ben.page, [0.5, 0.6], [0.8, 0.9], 4);
    for (const p of [ada, ben, cy]) await board(p.page, 2).waitFor();
    await ben.page.getByRole("button", { name: "Undo" }).click();
    for (const p of [ada, ben, cy]) await board(p.page, 1).waitFor();
    assert.ok((await redPixels(ben.page)) > 50, "Ada's stroke stays");
    await ben.page.getByRole("button", { name: "Redo" }).click();
    for (const p of [ada, cy]) await board(p.page, 2).waitFor();
    await ada.page.screenshot({ path: `${SCREENSHOTS}/whiteboard-en.png` });
  });

  test("a newcomer (on a phone, in German) sees the board as it is", async () => {
    const dee = await join(room, "Dee", { viewport: { width: 390, height: 844 }, locale: "de-DE", joinLabel: "Beitreten" });
    await dee.page.getByRole("img", { name: "Whiteboard, 2 Formen" }).waitFor();
    await dee.page.screenshot({ path: `${SCREENSHOTS}/whiteboard-phone-de.png` });
    // On a phone the tools are folded away until asked for.
    await dee.page.getByRole("button", { name: "Zeichenwerkzeuge" }).click();
    await dee.page.getByRole("button", { name: "Stift", exact: true }).waitFor();
    await dee.page.screenshot({ path: `${SCREENSHOTS}/whiteboard-phone-tools-de.png` });
    await dee.context.close();
  });

  test("with 'moderators only', the others cannot draw and the moderator still can", async () => {
    await ada.page.getByRole("combobox", { name: "Who may draw" }).selectOption("moderators");
    await ben.page.getByText("Only moderators may draw now.").waitFor();
    assert.equal(await ben.page.getByRole("button", { name: "Pen", exact: true }).isDisabled(), true);
    await drag(ada.page, [0.1, 0.8], [0.3, 0.85]);
    for (const p of [ben, cy]) await board(p.page, 3).waitFor();
    await ada.page.getByRole("combobox", { name: "Who may draw" }).selectOption("everyone");
    await ben.page.getByText("Only moderators may draw now.").waitFor({ state: "hidden" });
  });

  test("notes typed at the same time by two converge, with the other's cursor shown", async () => {
    for (const p of [ben, cy]) {
      await chooseFromMore(p.page, "Shared notes");
      await p.page.getByRole("textbox", { name: /^Notes/ }).click();
    }
    await Promise.all([
      ben.page.getByRole("textbox", { name: /^Notes/ }).pressSequentially(`# Ben ${NOTE_MARK}\n`, { delay: 15 }),
      cy.page.getByRole("textbox", { name: /^Notes/ }).pressSequentially("- Cy writes too\n", { delay: 15 }),
    ]);
    const text = (p: ParticipantPage) => p.page.getByRole("textbox", { name: /^Notes/ }).inputValue();
    let converged = "";
    for (let i = 0; i < 100; i++) {
      const [b, c] = await Promise.all([text(ben), text(cy)]);
      if (b === c && b.includes(NOTE_MARK) && b.includes("Cy writes too")) {
        converged = b;
        break;
      }
      await ben.page.waitForTimeout(100);
    }
    assert.ok(converged, `notes converge: ${await text(ben)} / ${await text(cy)}`);
    await ben.page.locator(".notes-writers").getByText("Cy").waitFor();
    await ben.page.getByRole("button", { name: "Preview" }).click();
    await ben.page.getByRole("heading", { name: `Ben ${NOTE_MARK}` }).waitFor();
    await ben.page.screenshot({ path: `${SCREENSHOTS}/notes-en.png` });
    await ben.page.getByRole("button", { name: "Preview" }).click();
    // The board on the stage and the notes beside it: nothing serious for axe.
    assert.deepEqual(await seriousViolations(ben.page), []);
  });

  test("a page reloaded comes back to the board and the notes as they are", async () => {
    await cy.page.reload();
    await board(cy.page, 3).waitFor();
    await chooseFromMore(cy.page, "Shared notes");
    const notes = await cy.page.getByRole("textbox", { name: /^Notes/ }).inputValue();
    assert.ok(notes.includes(NOTE_MARK) && notes.includes("Cy writes too"), notes);
    await chooseFromMore(cy.page, "Shared notes"); // closes the panel again
  });

  test("a PDF presented by one is shown to the others, and page turns follow the presenter", async () => {
    const pdf = await makePdf(3);
    const chooser = ada.page.waitForEvent("filechooser");
    await chooseFromMore(ada.page, "Present a PDF");
    await (await chooser).setFiles({ name: "folien.pdf", mimeType: "application/pdf", buffer: pdf });
    for (const p of [ben, cy]) {
      const figure = p.page.getByRole("figure", { name: "Presentation by Ada" });
      await figure.getByText("Page 1 of 3").waitFor();
      await p.page.locator('canvas.page-canvas[data-page="1"][data-source="pdf"]').waitFor({ state: "attached" });
    }
    await ada.page.getByRole("button", { name: "Next slide" }).click();
    for (const p of [ben, cy]) {
      await p.page.getByRole("figure", { name: "Presentation by Ada" }).getByText("Page 2 of 3").waitFor();
      await p.page.locator('canvas.page-canvas[data-page="2"]').waitFor({ state: "attached" });
    }
    // The presenter draws on the page: the others see it over that page only.
    await ada.page.getByRole("button", { name: "Draw on the page" }).click();
    const layer = ada.page.locator("figure.slides-tile canvas.board-canvas");
    const box = (await layer.boundingBox())!;
    await ada.page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.7);
    await ada.page.mouse.down();
    await ada.page.mouse.move(box.x + box.width * 0.7, box.y + box.height * 0.75, { steps: 8 });
    await ada.page.mouse.up();
    for (const p of [ben, cy]) await p.page.getByRole("figure", { name: "Presentation by Ada" }).getByRole("img", { name: "Whiteboard, 1 shapes" }).waitFor();
    // The others cannot turn pages until the presenter lets them browse.
    assert.equal(await ben.page.getByRole("button", { name: "Next slide" }).isVisible(), false);
    await ada.page.getByRole("button", { name: "Let others browse" }).click();
    await ben.page.getByRole("button", { name: "Next slide" }).click();
    await ben.page.locator('canvas.page-canvas[data-page="3"]').waitFor({ state: "attached" });
    await ben.page.getByRole("figure", { name: "Presentation by Ada" }).getByRole("img", { name: "Whiteboard, 0 shapes" }).waitFor();
    await ben.page.getByRole("button", { name: "Follow the presenter" }).click();
    await ben.page.locator('canvas.page-canvas[data-page="2"]').waitFor({ state: "attached" });
    // Someone who joins now gets the presentation, at the presenter's page.
    const eve = await join(room, "Eve");
    await eve.page.getByRole("figure", { name: "Presentation by Ada" }).getByText("Page 2 of 3").waitFor();
    await eve.page.locator('canvas.page-canvas[data-page="2"]').waitFor({ state: "attached" });
    await eve.context.close();
    await cy.page.screenshot({ path: `${SCREENSHOTS}/slides-en.png` });
    await ada.page.screenshot({ path: `${SCREENSHOTS}/slides-presenter-en.png` });
    await cy.page.setViewportSize({ width: 390, height: 844 });
    await cy.page.screenshot({ path: `${SCREENSHOTS}/slides-phone-en.png` });
    await cy.page.setViewportSize({ width: 960, height: 600 });
    assert.deepEqual(await seriousViolations(cy.page), []);
  });

  test("a file pdf.js cannot read is refused with a clear message, and nothing is sent", async () => {
    const chooser = ada.page.waitForEvent("filechooser");
    await chooseFromMore(ada.page, "Present a PDF");
    await (await chooser).setFiles({ name: "kaputt.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.7 this is not really a PDF") });
    await ada.page.getByText("This PDF cannot be shown:", { exact: false }).waitFor();
    // The presentation running before is still the one everyone sees.
    await ben.page.getByRole("figure", { name: "Presentation by Ada" }).waitFor();
    await ada.page.getByRole("button", { name: "Stop presenting" }).click();
    await ben.page.getByRole("figure", { name: "Presentation by Ada" }).waitFor({ state: "detached" });
  });

  test("the server relayed only sealed content: no stroke, note text or PDF byte in clear", () => {
    const content = frames.flat().filter((f) => f.includes('"type":"content"'));
    assert.ok(content.length > 20, `content messages were relayed (${content.length})`);
    for (const frame of content) {
      const message = JSON.parse(frame) as { keyId?: number; data: string };
      assert.equal(typeof message.keyId, "number", "every content message is sealed");
    }
    const all = frames.flat().join("\n");
    const secrets = [NOTE_MARK, PDF_TEXT, "%PDF-", "d62828", "Cy writes too"];
    for (const secret of secrets) {
      assert.ok(!all.includes(secret), `${secret} in clear`);
      for (const variant of base64Variants(secret)) if (variant.length >= 4) assert.ok(!all.includes(variant), `${secret} in base64url`);
    }
  });
});

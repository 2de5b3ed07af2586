/**
 * A presentation on the stage: the page drawn by pdf.js in this browser
 * (its worker, fonts and maps served by Treff itself, /pdfjs/; loaded only
 * when a presentation starts), or the presenter's picture of it while the
 * file is still on its way; page buttons (the presenter's turn everyone's
 * page; the others' only when browsing is allowed); the whiteboard as a
 * layer over the page ("Draw on the page"); and a clear message for a PDF
 * that pdf.js cannot read.
 */
import type { PDFDocumentProxy } from "pdfjs-dist";
import { t } from "../i18n/index.js";
import { h } from "./dom.js";
import { BoardSurface } from "./board-surface.js";
import type { Slides } from "../collab/slides.js";
import type { Whiteboard } from "../collab/whiteboard.js";

type PdfJs = typeof import("pdfjs-dist");
let pdfjs: Promise<PdfJs> | undefined;

/** pdf.js, from this origin only, without eval (the page's CSP forbids it) or WebAssembly. */
function loadPdfJs(): Promise<PdfJs> {
  pdfjs ??= import("pdfjs-dist").then((module) => {
    module.GlobalWorkerOptions.workerSrc = "/pdfjs/pdf.worker.mjs";
    return module;
  });
  return pdfjs;
}

/** Reads a PDF with pdf.js; throws with pdf.js' reason when it cannot. */
export async function openPdf(bytes: Uint8Array): Promise<PDFDocumentProxy> {
  const lib = await loadPdfJs();
  return lib.getDocument({
    data: bytes.slice(), // pdf.js hands its copy to the worker
    isEvalSupported: false,
    useWasm: false,
    wasmUrl: "/pdfjs/wasm/",
    cMapUrl: "/pdfjs/cmaps/",
    standardFontDataUrl: "/pdfjs/standard_fonts/",
    iccUrl: "/pdfjs/iccs/",
  }).promise;
}

const PREVIEW_WIDTH = 1280;

export class SlidesView {
  readonly element: HTMLElement;
  private readonly page: HTMLCanvasElement;
  private readonly surface: BoardSurface;
  private readonly message: HTMLElement;
  private readonly pageLabel: HTMLElement;
  private readonly previous: HTMLButtonElement;
  private readonly next: HTMLButtonElement;
  private readonly browse: HTMLButtonElement;
  private readonly follow: HTMLButtonElement;
  private readonly stop: HTMLButtonElement;
  private readonly annotate: HTMLButtonElement;
  private readonly caption: HTMLElement;
  private pdf: { deck: string; doc: Promise<PDFDocumentProxy> } | undefined;
  /** The presenter's own copy, read before presenting (not read twice). */
  private presented: Promise<PDFDocumentProxy> | undefined;
  /** The page this person looks at while browsing on their own (undefined: the presenter's). */
  private ownPage: number | undefined;
  private drawn = "";
  private rendering: Promise<void> = Promise.resolve();

  constructor(
    private readonly slides: Slides,
    private readonly board: Whiteboard,
    private readonly presenterName: (id: string) => string,
  ) {
    this.page = h("canvas", { class: "page-canvas", "aria-hidden": "true" });
    this.surface = new BoardSurface(board);
    this.surface.toolbar.hidden = true;
    // Until a page is drawn: an empty layer of its own (never the board's).
    this.surface.show("slides:", this.page);
    this.message = h("p", { class: "slides-message", role: "status" });
    this.pageLabel = h("span", { role: "status" });
    this.previous = h("button", { type: "button", onclick: () => this.go(-1) }, t("slidesPrevious"));
    this.next = h("button", { type: "button", onclick: () => this.go(1) }, t("slidesNext"));
    this.browse = h("button", { type: "button", "aria-pressed": "false", onclick: () => slides.setFree(!slides.deck?.free) }, t("slidesBrowse"));
    this.follow = h("button", { type: "button", onclick: () => this.followPresenter() }, t("slidesFollow"));
    this.stop = h("button", { type: "button", class: "danger", onclick: () => slides.stop() }, t("slidesStop"));
    this.annotate = h("button", { type: "button", "aria-pressed": "false", onclick: () => this.toggleAnnotate() }, t("slidesAnnotate"));
    this.caption = h("figcaption", { class: "visually-hidden" });
    const bar = h("div", { class: "slides-bar" }, this.previous, this.pageLabel, this.next, this.browse, this.follow, this.annotate, this.stop);
    this.element = h("figure", { class: "screen-tile board-tile slides-tile" }, bar, this.message, this.surface.element, this.caption);
    slides.onChange(() => this.update());
    window.addEventListener("keydown", (event) => {
      // Page Up/Down and the arrow keys turn pages while the focus is on the presentation's bar.
      if (!bar.contains(document.activeElement)) return;
      if (event.key === "PageDown" || event.key === "ArrowRight") this.go(1);
      else if (event.key === "PageUp" || event.key === "ArrowLeft") this.go(-1);
    });
  }

  /** Reads `file` here, then presents it to everyone; false (and a message) when pdf.js cannot read it. */
  async present(file: Uint8Array): Promise<string | undefined> {
    let doc: PDFDocumentProxy;
    try {
      doc = await openPdf(file);
    } catch (error) {
      return reason(error);
    }
    const loaded = Promise.resolve(doc);
    this.presented = loaded;
    await this.slides.present(file, doc.numPages, (page) => pagePicture(loaded, page));
    return undefined;
  }

  /** After a role or policy change. */
  refresh(moderator: boolean): void {
    this.surface.refresh(moderator);
  }

  update(): void {
    const deck = this.slides.deck;
    if (!deck) {
      void this.pdf?.doc.then((doc) => doc.destroy(), () => {});
      this.pdf = undefined;
      this.ownPage = undefined;
      this.drawn = "";
      return;
    }
    const presenting = this.slides.presenting;
    if (this.page.dataset.deck !== deck.id) {
      // A new presentation: the last one's problem no longer holds.
      this.page.dataset.deck = deck.id;
      this.showMessage("");
    }
    if (!deck.free) this.ownPage = undefined;
    const page = this.ownPage ?? deck.page;
    const label = t("slidesOf", { name: presenting ? t("you") : this.presenterName(deck.presenter) });
    this.element.setAttribute("aria-label", label);
    this.caption.textContent = label;
    this.pageLabel.textContent = t("slidesPage", { page, pages: deck.pages });
    const mayTurn = presenting || deck.free;
    this.previous.hidden = this.next.hidden = !mayTurn;
    this.previous.disabled = page <= 1;
    this.next.disabled = page >= deck.pages;
    this.browse.hidden = this.stop.hidden = !presenting;
    this.browse.setAttribute("aria-pressed", String(deck.free));
    this.follow.hidden = presenting || this.ownPage === undefined || this.ownPage === deck.page;
    if (this.slides.file && this.pdf?.deck !== deck.id) {
      void this.pdf?.doc.then((doc) => doc.destroy(), () => {});
      this.pdf = { deck: deck.id, doc: presenting && this.presented ? this.presented : openPdf(this.slides.file) };
      this.presented = undefined;
    }
    if (!this.slides.file && !presenting) this.showMessage(t("slidesLoading", { percent: Math.round(this.slides.progress * 100) }));
    else if (this.message.classList.contains("problem") === false) this.showMessage("");
    this.draw(deck.id, page);
  }

  private go(step: number): void {
    const deck = this.slides.deck;
    if (!deck) return;
    if (this.slides.presenting) return this.slides.turn(Math.min(deck.pages, Math.max(1, deck.page + step)));
    if (!deck.free) return;
    this.ownPage = Math.min(deck.pages, Math.max(1, (this.ownPage ?? deck.page) + step));
    this.update();
  }

  private followPresenter(): void {
    this.ownPage = undefined;
    this.update();
  }

  private toggleAnnotate(): void {
    const on = this.surface.toolbar.hidden;
    this.surface.toolbar.hidden = !on;
    this.annotate.setAttribute("aria-pressed", String(on));
  }

  private showMessage(text: string, problem = false): void {
    this.message.textContent = text;
    this.message.hidden = !text;
    this.message.classList.toggle("problem", problem);
  }

  /** Draws `page` (from the file, else the presenter's picture) and its annotations; one draw at a time. */
  private draw(deck: string, page: number): void {
    const source = this.pdf ? "pdf" : this.slides.previews.has(page) ? "preview" : "none";
    const key = `${deck}|${page}|${source}|${this.surface.element.clientWidth}`;
    if (key === this.drawn || source === "none") return;
    this.drawn = key;
    const pdf = this.pdf;
    this.rendering = this.rendering.then(async () => {
      try {
        if (pdf) await renderPage(await pdf.doc, page, this.page, Math.min(2400, Math.max(640, this.surface.element.clientWidth * devicePixelRatio)));
        else await drawPicture(this.slides.previews.get(page)!, this.page);
        this.page.dataset.page = String(page);
        this.page.dataset.source = source;
        this.surface.show(`slides:${deck}:${page}`, this.page);
      } catch (error) {
        this.drawn = "";
        this.showMessage(t("slidesUnreadable", { reason: reason(error) }), true);
      }
    });
  }
}

async function renderPage(doc: PDFDocumentProxy, number: number, canvas: HTMLCanvasElement, width: number): Promise<void> {
  const page = await doc.getPage(number);
  const unscaled = page.getViewport({ scale: 1 });
  const viewport = page.getViewport({ scale: width / unscaled.width });
  // Drawn aside first, so the page on screen never flashes white while the next one renders.
  const scratch = document.createElement("canvas");
  scratch.width = Math.round(viewport.width);
  scratch.height = Math.round(viewport.height);
  await page.render({ canvas: scratch, viewport }).promise;
  canvas.width = scratch.width;
  canvas.height = scratch.height;
  canvas.getContext("2d")!.drawImage(scratch, 0, 0);
}

async function drawPicture(bytes: Uint8Array, canvas: HTMLCanvasElement): Promise<void> {
  const bitmap = await createImageBitmap(new Blob([bytes as BlobPart], { type: "image/jpeg" }));
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  canvas.getContext("2d")!.drawImage(bitmap, 0, 0);
  bitmap.close();
}

/** The presenter's picture of a page for those still waiting for the file: a JPEG 1280 pixels wide. */
async function pagePicture(doc: Promise<PDFDocumentProxy>, page: number): Promise<Uint8Array | undefined> {
  const canvas = document.createElement("canvas");
  await renderPage(await doc, page, canvas, PREVIEW_WIDTH);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.8));
  return blob ? new Uint8Array(await blob.arrayBuffer()) : undefined;
}

function reason(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

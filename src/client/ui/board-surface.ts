/**
 * Drawing on the whiteboard: the canvas (and, for a presentation, the page
 * beneath it), the pointer turned into shapes of the chosen tool and
 * colour, and the toolbar: tools, colours, undo/redo (also Ctrl+Z,
 * Ctrl+Shift+Z, Ctrl+Y), and for moderators "clear". Shows the layer it is
 * given: the board, or one page's annotations.
 */
import { t, type MessageKey } from "../i18n/index.js";
import { h } from "./dom.js";
import type { Whiteboard } from "../collab/whiteboard.js";
import { BOARD_HEIGHT, BOARD_LAYER, BOARD_WIDTH, type ShapeKind } from "../collab/whiteboard-model.js";
import { drawShapes } from "../collab/whiteboard-render.js";
import type * as Y from "yjs";

type Tool = ShapeKind | "eraser";
const TOOLS: [Tool, MessageKey][] = [
  ["pen", "wbPen"],
  ["line", "wbLine"],
  ["arrow", "wbArrow"],
  ["rect", "wbRect"],
  ["ellipse", "wbEllipse"],
  ["text", "wbText"],
  ["eraser", "wbEraser"],
];
const COLOURS: [string, MessageKey][] = [
  ["#1d1d1f", "wbBlack"],
  ["#d62828", "wbRed"],
  ["#1f6feb", "wbBlue"],
  ["#2a9d4b", "wbGreen"],
  ["#f08c00", "wbOrange"],
];
const TEXT_SIZE = 36;
const LINE_SIZE = 5;

export class BoardSurface {
  readonly element: HTMLElement;
  readonly toolbar: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly holder: HTMLElement;
  private readonly textInput: HTMLInputElement;
  private readonly toolButtons = new Map<Tool, HTMLButtonElement>();
  private readonly colourButtons = new Map<string, HTMLButtonElement>();
  private readonly clearButton: HTMLButtonElement;
  private readonly viewOnly: HTMLElement;
  private tool: Tool = "pen";
  private colour = COLOURS[0]![0];
  private layer = BOARD_LAYER;
  private boardHeight = BOARD_HEIGHT;
  private underlay: HTMLCanvasElement | undefined;
  private drawing: { map: Y.Map<unknown> | undefined; pointer: number } | undefined;
  private textAt: [number, number] | undefined;
  private frame = 0;

  constructor(
    private readonly board: Whiteboard,
    extraTools: HTMLElement[] = [],
  ) {
    this.canvas = h("canvas", { class: "board-canvas", role: "img", tabindex: 0 });
    this.textInput = h("input", { class: "board-text", "aria-label": t("wbTextPrompt"), maxlength: 200, hidden: true });
    this.holder = h("div", { class: "board-holder" }, this.canvas, this.textInput);
    const tools = TOOLS.map(([tool, label]) => {
      const button = h("button", { type: "button", class: `tool tool-${tool}`, "aria-pressed": "false", onclick: () => this.choose(tool) }, t(label));
      this.toolButtons.set(tool, button);
      return button;
    });
    const colours = COLOURS.map(([colour, label]) => {
      const button = h("button", { type: "button", class: "swatch", "aria-pressed": "false", "aria-label": t("wbColour", { colour: t(label) }), title: t(label), onclick: () => this.pick(colour) });
      button.style.setProperty("--swatch", colour);
      this.colourButtons.set(colour, button);
      return button;
    });
    this.clearButton = h("button", { type: "button", class: "danger", onclick: () => this.board.model.clear(this.layer) }, t("wbClear"));
    this.viewOnly = h("p", { class: "board-view-only", role: "status" }, t("wbViewOnly"));
    this.toolbar = h(
      "div",
      { class: "board-toolbar", role: "toolbar", "aria-label": t("wbTools") },
      h("div", { class: "tool-group" }, ...tools),
      h("div", { class: "tool-group" }, ...colours),
      h("div", { class: "tool-group" },
        h("button", { type: "button", onclick: () => this.board.model.undo() }, t("wbUndo")),
        h("button", { type: "button", onclick: () => this.board.model.redo() }, t("wbRedo")),
        this.clearButton,
        ...extraTools,
      ),
    );
    this.element = h("div", { class: "board-surface" }, this.toolbar, this.viewOnly, this.holder);
    this.choose("pen");
    this.pick(this.colour);
    this.listen();
    board.onChange(() => this.render());
    new ResizeObserver(() => this.render()).observe(this.holder);
  }

  /** Which layer to show and draw on, over which page (undefined: the plain board). */
  show(layer: string, underlay?: HTMLCanvasElement): void {
    this.layer = layer;
    this.underlay = underlay;
    if (underlay && underlay.parentElement !== this.holder) this.holder.prepend(underlay);
    this.boardHeight = underlay ? (BOARD_WIDTH * underlay.height) / Math.max(1, underlay.width) : BOARD_HEIGHT;
    this.render();
  }

  /** What this person may do now (after a role or policy change). */
  refresh(moderator: boolean): void {
    const may = this.board.mayDraw;
    for (const button of this.toolButtons.values()) button.disabled = !may;
    for (const button of this.colourButtons.values()) button.disabled = !may;
    this.clearButton.hidden = !moderator;
    this.viewOnly.hidden = may;
    this.canvas.classList.toggle("may-draw", may);
    this.render();
  }

  /** The layer as a PNG (with the page beneath it), for "Export". */
  async png(): Promise<Blob | null> {
    this.board.shared.sync.flush();
    const canvas = document.createElement("canvas");
    canvas.width = BOARD_WIDTH;
    canvas.height = Math.round(this.boardHeight);
    const context = canvas.getContext("2d")!;
    drawShapes(context, [], canvas.width, canvas.height, "white");
    if (this.underlay) context.drawImage(this.underlay, 0, 0, canvas.width, canvas.height);
    drawShapes(context, this.board.model.list(this.layer), canvas.width, canvas.height, "keep");
    return new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
  }

  render(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      // As large as the holder allows at the board's (or the page's) shape; the page beneath matches.
      const aspect = BOARD_WIDTH / this.boardHeight;
      const cssWidth = Math.max(1, Math.min(this.holder.clientWidth, this.holder.clientHeight * aspect));
      for (const canvas of [this.canvas, this.underlay]) {
        if (!canvas) continue;
        canvas.style.width = `${cssWidth}px`;
        canvas.style.height = `${cssWidth / aspect}px`;
      }
      const width = Math.max(1, Math.round(cssWidth * devicePixelRatio));
      const height = Math.max(1, Math.round((width * this.boardHeight) / BOARD_WIDTH));
      if (this.canvas.width !== width || this.canvas.height !== height) {
        this.canvas.width = width;
        this.canvas.height = height;
      }
      const context = this.canvas.getContext("2d");
      if (!context) return;
      const shapes = this.board.model.list(this.layer);
      drawShapes(context, shapes, width, height, this.underlay ? "clear" : "white");
      this.canvas.setAttribute("aria-label", t("wbCanvas", { count: shapes.length }));
      this.canvas.dataset.shapes = String(shapes.length);
    });
  }

  private choose(tool: Tool): void {
    this.tool = tool;
    for (const [name, button] of this.toolButtons) button.setAttribute("aria-pressed", String(name === tool));
    this.canvas.dataset.tool = tool;
  }

  private pick(colour: string): void {
    this.colour = colour;
    for (const [name, button] of this.colourButtons) button.setAttribute("aria-pressed", String(name === colour));
  }

  /** Board coordinates of a pointer event. */
  private at(event: PointerEvent | MouseEvent): [number, number] {
    const box = this.canvas.getBoundingClientRect();
    const scale = BOARD_WIDTH / Math.max(1, box.width);
    return [(event.clientX - box.left) * scale, (event.clientY - box.top) * scale];
  }

  private listen(): void {
    const model = this.board.model;
    this.canvas.addEventListener("pointerdown", (event) => {
      if (!this.board.mayDraw || event.button !== 0 || this.drawing) return;
      event.preventDefault();
      const [x, y] = this.at(event);
      if (this.tool === "text") return this.startText(x, y);
      this.canvas.setPointerCapture(event.pointerId);
      if (this.tool === "eraser") {
        model.done();
        model.erase(this.layer, x, y, 12);
        this.drawing = { map: undefined, pointer: event.pointerId };
        return;
      }
      const points = this.tool === "pen" ? [x, y] : [x, y, x, y];
      const map = model.add({ kind: this.tool, color: this.colour, size: LINE_SIZE, layer: this.layer, points, text: "" });
      this.drawing = { map, pointer: event.pointerId };
    });
    this.canvas.addEventListener("pointermove", (event) => {
      if (!this.drawing || event.pointerId !== this.drawing.pointer) return;
      const moves = typeof event.getCoalescedEvents === "function" ? event.getCoalescedEvents() : [];
      const points = (moves.length ? moves : [event]).flatMap((move) => this.at(move));
      const { map } = this.drawing;
      if (!map) {
        for (let i = 0; i < points.length; i += 2) model.erase(this.layer, points[i]!, points[i + 1]!, 12);
      } else if (this.tool === "pen") model.extend(map, points);
      else model.reshape(map, points[points.length - 2]!, points[points.length - 1]!);
    });
    const end = (event: PointerEvent) => {
      if (!this.drawing || event.pointerId !== this.drawing.pointer) return;
      this.drawing = undefined;
      model.done();
    };
    this.canvas.addEventListener("pointerup", end);
    this.canvas.addEventListener("pointercancel", end);
    this.textInput.addEventListener("keydown", (event) => {
      if (event.key === "Enter") this.finishText(true);
      else if (event.key === "Escape") this.finishText(false);
      event.stopPropagation();
    });
    this.textInput.addEventListener("blur", () => this.finishText(true));
    // With the Text tool, Enter on the focused board places text in its middle (no pointer needed).
    this.canvas.addEventListener("keydown", (event) => {
      if (event.key !== "Enter" || this.tool !== "text" || !this.board.mayDraw) return;
      event.preventDefault();
      this.startText(BOARD_WIDTH / 2, this.boardHeight / 2);
    });
    this.element.addEventListener("keydown", (event) => {
      if (!(event.ctrlKey || event.metaKey) || event.target === this.textInput) return;
      const key = event.key.toLowerCase();
      if (key === "z" && !event.shiftKey) model.undo();
      else if ((key === "z" && event.shiftKey) || key === "y") model.redo();
      else return;
      event.preventDefault();
    });
  }

  private startText(x: number, y: number): void {
    this.textAt = [x, y];
    const box = this.canvas.getBoundingClientRect();
    const scale = box.width / BOARD_WIDTH;
    this.textInput.style.left = `${x * scale}px`;
    this.textInput.style.top = `${Math.max(0, y * scale - TEXT_SIZE * scale)}px`;
    this.textInput.value = "";
    this.textInput.hidden = false;
    this.textInput.focus();
  }

  private finishText(keep: boolean): void {
    if (!this.textAt || this.textInput.hidden) return;
    const [x, y] = this.textAt;
    const text = this.textInput.value.trim();
    this.textAt = undefined;
    this.textInput.hidden = true;
    if (keep && text && this.board.mayDraw) {
      this.board.model.add({ kind: "text", color: this.colour, size: TEXT_SIZE, layer: this.layer, points: [x, y, x, y], text });
      this.board.model.done();
    }
    this.canvas.focus();
  }
}

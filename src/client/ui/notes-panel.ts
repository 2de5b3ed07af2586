/**
 * The shared notes side panel: a plain textarea bound to the shared text
 * (collab/notes.ts), formatting buttons that insert Markdown marks, a
 * preview, export as Markdown or plain text, and the others' cursors: a
 * caret in each person's colour, drawn in a copy of the text that lies
 * exactly under the textarea, and their names in that colour above it.
 */
import { t } from "../i18n/index.js";
import { h } from "./dom.js";
import { download } from "./whiteboard-view.js";
import type { Notes } from "../collab/notes.js";
import { parseMarkdown, plainText, type Inline } from "../collab/markdown.js";
import type { ParticipantId } from "../../protocol/messages.js";

const COLOURS = ["#e8590c", "#1c7ed6", "#2b8a3e", "#c2255c", "#7048e8", "#0b7285", "#e67700", "#5c940d"];

/** A person's colour: the same in every browser (from their id). */
export function colourOf(id: string): string {
  let hash = 0;
  for (const char of id) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return COLOURS[hash % COLOURS.length]!;
}

export class NotesPanel {
  readonly element: HTMLElement;
  private readonly textarea: HTMLTextAreaElement;
  private readonly mirror: HTMLElement;
  private readonly preview: HTMLElement;
  private readonly editor: HTMLElement;
  private readonly writers: HTMLElement;
  private readonly previewButton: HTMLButtonElement;
  /** This person's selection, kept as positions in the shared text across others' edits. */
  private selection: [() => number, () => number] | undefined;

  constructor(
    private readonly notes: Notes,
    private readonly names: () => Map<ParticipantId, string>,
  ) {
    this.textarea = h("textarea", { id: "notes-text", class: "notes-text", spellcheck: "true" });
    this.mirror = h("div", { class: "notes-mirror", "aria-hidden": "true" });
    this.editor = h("div", { class: "notes-editor" }, h("label", { for: "notes-text", class: "visually-hidden" }, t("notesText")), this.mirror, this.textarea);
    this.preview = h("div", { class: "notes-preview", hidden: true, tabindex: 0, "aria-label": t("notesPreview") });
    this.writers = h("p", { class: "notes-writers", "aria-live": "off" });
    this.previewButton = h("button", { type: "button", "aria-pressed": "false", onclick: () => this.togglePreview() }, t("notesPreview"));
    const mark = (label: string, run: () => void) => h("button", { type: "button", class: "mark", onclick: run }, label);
    const toolbar = h(
      "div",
      { class: "notes-toolbar", role: "toolbar", "aria-label": t("notesToolbar") },
      mark(t("notesHeading"), () => this.prefixLine("## ")),
      mark(t("notesList"), () => this.prefixLine("- ")),
      mark(t("notesBold"), () => this.wrap("**")),
      mark(t("notesItalic"), () => this.wrap("*")),
      this.previewButton,
      h("button", { type: "button", onclick: () => download(new Blob([notes.value], { type: "text/markdown" }), `${t("notes")}.md`) }, t("notesExportMd")),
      h("button", { type: "button", onclick: () => download(new Blob([plainText(notes.value)], { type: "text/plain" }), `${t("notes")}.txt`) }, t("notesExportText")),
    );
    this.element = h("section", { class: "notes-panel", "aria-label": t("notes") }, h("h2", {}, t("notes")), toolbar, this.writers, this.editor, this.preview);
    this.textarea.addEventListener("input", () => {
      notes.edit(this.textarea.value);
      this.keepSelection();
    });
    for (const event of ["keyup", "click", "select", "focus"]) this.textarea.addEventListener(event, () => this.keepSelection());
    this.textarea.addEventListener("scroll", () => (this.mirror.scrollTop = this.textarea.scrollTop));
    notes.onChange(() => this.render());
    this.render();
  }

  /** Draws the text (keeping this person's selection where it was in the text), the carets and the preview. */
  render(): void {
    const value = this.notes.value;
    if (this.textarea.value !== value) {
      const focused = document.activeElement === this.textarea;
      this.textarea.value = value;
      if (this.selection && focused) this.textarea.setSelectionRange(this.selection[0](), this.selection[1]());
    }
    this.drawCursors(value);
    if (!this.preview.hidden) this.drawPreview(value);
  }

  private keepSelection(): void {
    this.selection = [this.notes.anchor(this.textarea.selectionStart), this.notes.anchor(this.textarea.selectionEnd)];
    this.notes.moveCursor(this.textarea.selectionStart);
  }

  private drawCursors(value: string): void {
    const names = this.names();
    const cursors = [...this.notes.cursorsNow()].filter(([id]) => names.has(id)).sort((a, b) => a[1] - b[1]);
    const parts: Node[] = [];
    let last = 0;
    for (const [id, index] of cursors) {
      parts.push(document.createTextNode(value.slice(last, index)));
      const caret = h("span", { class: "caret", "data-name": names.get(id) ?? "" });
      caret.style.setProperty("--caret", colourOf(id));
      parts.push(caret);
      last = index;
    }
    // A trailing character so a last empty line has its height in the copy too.
    parts.push(document.createTextNode(`${value.slice(last)}\u200b`));
    this.mirror.replaceChildren(...parts);
    this.mirror.scrollTop = this.textarea.scrollTop;
    this.writers.replaceChildren(
      ...(cursors.length
        ? [t("notesCursors", { names: "" }).trim(), " ", ...cursors.flatMap(([id], i) => {
            const name = h("span", { class: "writer" }, names.get(id) ?? "");
            name.style.setProperty("--caret", colourOf(id));
            return i ? [", ", name] : [name];
          })]
        : []),
    );
  }

  private togglePreview(): void {
    const show = this.preview.hidden;
    this.preview.hidden = !show;
    this.editor.hidden = show;
    this.previewButton.setAttribute("aria-pressed", String(show));
    if (show) this.drawPreview(this.notes.value);
  }

  private drawPreview(value: string): void {
    const inline = (content: Inline[]) => content.map((part) => (part.bold ? h("strong", {}, part.text) : part.italic ? h("em", {}, part.text) : part.text));
    this.preview.replaceChildren(
      ...parseMarkdown(value).map((block) => {
        if (block.kind === "heading") return h(`h${block.level + 2}` as "h3", {}, ...inline(block.content));
        if (block.kind === "list") return h(block.ordered ? "ol" : "ul", {}, ...block.items.map((item) => h("li", {}, ...inline(item))));
        return h("p", {}, ...inline(block.content));
      }),
    );
  }

  /** Puts `mark` before the line the cursor is on (a heading, a list item). */
  private prefixLine(mark: string): void {
    const { value, selectionStart } = this.textarea;
    const start = value.lastIndexOf("\n", selectionStart - 1) + 1;
    this.replace(start, start, mark, selectionStart + mark.length);
  }

  /** Puts `mark` around the selection (bold, italic). */
  private wrap(mark: string): void {
    const { selectionStart: start, selectionEnd: end, value } = this.textarea;
    this.replace(start, end, `${mark}${value.slice(start, end)}${mark}`, end + mark.length);
  }

  private replace(start: number, end: number, text: string, cursor: number): void {
    const { value } = this.textarea;
    this.textarea.value = value.slice(0, start) + text + value.slice(end);
    this.textarea.focus();
    this.textarea.setSelectionRange(cursor, cursor);
    this.notes.edit(this.textarea.value);
    this.keepSelection();
  }
}

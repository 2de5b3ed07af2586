/**
 * The compliance document as PDF, with pdfkit and the PDF standard fonts
 * (Helvetica, Courier) whose metrics pdfkit ships: nothing is downloaded and
 * no font file is embedded. Those fonts cover Western European text
 * (WinAnsi); other letters lose their accents in the PDF (ł becomes l), the
 * Markdown keeps them.
 */
import PDFDocument from "pdfkit";
import { pieces, type Block, type ComplianceDocument, type ListItem, type Section } from "./document.js";

const MARGIN = 56; // 2 cm
const BODY = 10;
const BULLET_INDENT = 12;

/** Characters of Windows-1252 above Latin-1's range that the standard fonts have. */
const WIN_ANSI_EXTRA = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ";
const REPLACEMENTS: Record<string, string> = { "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ı": "i", "ħ": "h", "Ħ": "H", "→": "->", "≤": "<=", "≥": ">=", "\u00a0": " " };

/** Text the standard fonts can draw: Western European letters as they are, others without accents, the rest as "?". */
export function winAnsi(text: string): string {
  let out = "";
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code === 0x0a || (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRA.includes(char)) out += char;
    else if (REPLACEMENTS[char] !== undefined) out += REPLACEMENTS[char];
    else {
      const stripped = char.normalize("NFD").replace(/\p{M}/gu, "");
      out += [...stripped].every((c) => c.codePointAt(0)! <= 0x7e) && stripped ? stripped : "?";
    }
  }
  return out;
}

type Doc = InstanceType<typeof PDFDocument>;

/** Text with code parts in Courier, wrapped at `width` from `x` (the current line when x is undefined). */
function richText(doc: Doc, text: string, options: { x?: number; width: number; size?: number }): void {
  const parts = pieces(winAnsi(text)).filter((p) => p.text !== "");
  const size = options.size ?? BODY;
  parts.forEach((part, i) => {
    doc.font(part.code ? "Courier" : "Helvetica").fontSize(part.code ? size - 0.5 : size);
    const continued = i < parts.length - 1;
    if (i === 0 && options.x !== undefined) doc.text(part.text, options.x, doc.y, { width: options.width, continued });
    else doc.text(part.text, { width: options.width, continued });
  });
  if (parts.length === 0) doc.text("", { width: options.width });
}

/** Starts a new page unless `height` fits on this one (or would not fit on any). */
function keepTogether(doc: Doc, height: number): void {
  const bottom = doc.page.height - doc.page.margins.bottom;
  const pageRoom = bottom - doc.page.margins.top;
  if (doc.y + height > bottom && height < pageRoom) doc.addPage();
}

/** About how tall a list item will be, to keep it on one page. */
function itemHeight(doc: Doc, item: ListItem, width: number): number {
  const text = (t: string, size: number, indent: number) =>
    doc.font("Helvetica").fontSize(size).heightOfString(winAnsi(t.replace(/`/g, "")), { width: width - indent });
  if (typeof item === "string") return text(item, BODY, BULLET_INDENT);
  return text(item.text, BODY, BULLET_INDENT) + item.details.reduce((sum, d) => sum + text(d, 8.5, 2 * BULLET_INDENT) + 2, 0);
}

function block(doc: Doc, b: Block, width: number): void {
  switch (b.kind) {
    case "paragraph":
      richText(doc, b.text, { x: MARGIN, width });
      break;
    case "list":
      for (const item of b.items) {
        keepTogether(doc, itemHeight(doc, item, width));
        const y = doc.y;
        doc.font("Helvetica").fontSize(BODY).text("•", MARGIN, y, { width: BULLET_INDENT });
        doc.y = y;
        richText(doc, typeof item === "string" ? item : item.text, { x: MARGIN + BULLET_INDENT, width: width - BULLET_INDENT });
        for (const detail of typeof item === "string" ? [] : item.details) {
          doc.moveDown(0.15);
          doc.fillColor("#333333");
          richText(doc, detail, { x: MARGIN + 2 * BULLET_INDENT, width: width - 2 * BULLET_INDENT, size: 8.5 });
          doc.fillColor("black");
        }
        doc.moveDown(0.4);
      }
      break;
    case "table": {
      const plain = (s: string) => winAnsi(s.replace(/`/g, ""));
      doc.x = MARGIN;
      doc.table({
        data: [b.header.map((h) => ({ text: plain(h), font: { src: "Helvetica-Bold" }, backgroundColor: "#e8e8e8", type: "TH" as const })), ...b.rows.map((row) => row.map(plain))],
        defaultStyle: { padding: 4, borderColor: "#999999" },
        // Two columns are a field and its entry: the field needs less room.
        ...(b.header.length === 2 ? { columnStyles: [Math.round(width * 0.3), "*"] } : {}),
        maxWidth: width,
      });
      doc.x = MARGIN;
      break;
    }
  }
  doc.moveDown(0.6);
}

function section(doc: Doc, s: Section, depth: number, width: number): void {
  doc.moveDown(depth === 2 ? 0 : 0.4);
  keepTogether(doc, 60); // a heading does not stand alone at the foot of a page
  doc.font("Helvetica-Bold").fontSize(depth === 2 ? 14 : 11).text(winAnsi(s.title), MARGIN, doc.y, { width });
  doc.moveDown(0.5);
  for (const b of s.blocks) block(doc, b, width);
  for (const sub of s.sections ?? []) section(doc, sub, depth + 1, width);
}

/** Renders the document; resolves with the PDF's bytes. */
export function toPdf(document: ComplianceDocument, generatedAt: Date): Promise<Buffer> {
  const doc = new PDFDocument({
    size: "A4",
    margin: MARGIN,
    bufferPages: true,
    lang: document.language,
    displayTitle: true,
    info: { Title: winAnsi(document.title), Creator: "Treff (npm run compliance)", CreationDate: generatedAt },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("data", (chunk: Buffer) => chunks.push(chunk));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
  const width = doc.page.width - 2 * MARGIN;
  doc.font("Helvetica-Bold").fontSize(18).text(winAnsi(document.title), { width });
  doc.moveDown(0.5);
  for (const line of document.subtitle) {
    doc.fillColor("#444444");
    richText(doc, line, { x: MARGIN, width, size: 9 });
    doc.moveDown(0.3);
  }
  doc.fillColor("black");
  document.chapters.forEach((chapter, i) => {
    if (i > 0) doc.addPage();
    else doc.moveDown(1);
    section(doc, chapter, 2, width);
  });
  // Page numbers in the bottom margin, once every page exists.
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font("Helvetica").fontSize(8).fillColor("#666666");
    doc.text(`${i + 1} / ${range.count}`, MARGIN, doc.page.height - MARGIN / 2, { width, align: "right", lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  return done;
}

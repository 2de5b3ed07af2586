/**
 * The compliance document as Markdown (CommonMark with GitHub's tables).
 * Plain text is escaped, so a configured value cannot become a link, an
 * image, HTML or a table column; parts between backticks become code spans.
 */
import { pieces, type Block, type ComplianceDocument, type Section } from "./document.js";

/** Escapes what Markdown would read as markup; `|` too, so text is safe in a table cell. */
function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]<>#|!~]/g, (c) => `\\${c}`);
}

/** Text with its code parts as code spans, on one line. */
function inline(text: string): string {
  return pieces(text.replace(/\s*\n\s*/g, " "))
    .map((p) => (p.code ? `\`${p.text.replace(/\|/g, "\\|")}\`` : escape(p.text)))
    .join("");
}

function block(b: Block): string {
  switch (b.kind) {
    case "paragraph":
      // A paragraph that starts like a list item ("1. ", "- ") must stay a paragraph.
      return inline(b.text).replace(/^(\d+)([.)]\s)/, "$1\\$2").replace(/^([-+]\s)/, "\\$1");
    case "list":
      return b.items
        .map((item) =>
          typeof item === "string" ? `- ${inline(item)}` : [`- ${inline(item.text)}`, ...item.details.map((d) => `  - ${inline(d)}`)].join("\n"),
        )
        .join("\n");
    case "table": {
      const row = (cells: string[]) => `| ${cells.map(inline).join(" | ")} |`;
      return [row(b.header), `|${b.header.map(() => "---").join("|")}|`, ...b.rows.map(row)].join("\n");
    }
  }
}

function section(s: Section, depth: number): string {
  const parts = [`${"#".repeat(depth)} ${inline(s.title)}`, ...s.blocks.map(block)];
  for (const sub of s.sections ?? []) parts.push(section(sub, depth + 1));
  return parts.join("\n\n");
}

export function toMarkdown(doc: ComplianceDocument): string {
  return [`# ${inline(doc.title)}`, ...doc.subtitle.map(inline), ...doc.chapters.map((c) => section(c, 2))].join("\n\n") + "\n";
}

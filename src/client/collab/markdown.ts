/**
 * The little Markdown the shared notes understand: headings (#, ##, ###),
 * lists (-, *, 1.), **bold**, *italic* (or _italic_), paragraphs. Parsed
 * into plain data that the preview turns into elements (text stays text:
 * nothing is ever parsed as HTML), and turned into plain text for export.
 */
export type Inline = { text: string; bold: boolean; italic: boolean };
export type Block =
  | { kind: "heading"; level: 1 | 2 | 3; content: Inline[] }
  | { kind: "list"; ordered: boolean; items: Inline[][] }
  | { kind: "paragraph"; content: Inline[] };

const HEADING = /^(#{1,3})\s+(.*)$/;
const BULLET = /^\s*[-*+]\s+(.*)$/;
const NUMBERED = /^\s*\d+[.)]\s+(.*)$/;

export function parseMarkdown(source: string): Block[] {
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  const endParagraph = () => {
    if (paragraph.length) blocks.push({ kind: "paragraph", content: parseInline(paragraph.join(" ")) });
    paragraph = [];
  };
  for (const line of source.split(/\r?\n/)) {
    const heading = HEADING.exec(line);
    const bullet = BULLET.exec(line);
    const numbered = bullet ? null : NUMBERED.exec(line);
    if (heading) {
      endParagraph();
      blocks.push({ kind: "heading", level: heading[1]!.length as 1 | 2 | 3, content: parseInline(heading[2]!) });
    } else if (bullet || numbered) {
      endParagraph();
      const ordered = !bullet;
      const last = blocks[blocks.length - 1];
      const item = parseInline((bullet ?? numbered)![1]!);
      if (last?.kind === "list" && last.ordered === ordered) last.items.push(item);
      else blocks.push({ kind: "list", ordered, items: [item] });
    } else if (!line.trim()) {
      endParagraph();
    } else {
      paragraph.push(line.trim());
    }
  }
  endParagraph();
  return blocks;
}

/** **bold**, *italic* and _italic_ within one line; unmatched markers stay as they are. */
export function parseInline(text: string): Inline[] {
  const parts: Inline[] = [];
  const pattern = /\*\*(.+?)\*\*|\*(.+?)\*|_(.+?)_/g;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    if (match.index! > last) parts.push({ text: text.slice(last, match.index), bold: false, italic: false });
    if (match[1] !== undefined) parts.push({ text: match[1], bold: true, italic: false });
    else parts.push({ text: (match[2] ?? match[3])!, bold: false, italic: true });
    last = match.index! + match[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last), bold: false, italic: false });
  return parts;
}

/** The notes without Markdown's marks: headings as lines, lists with "•" or their numbers. */
export function plainText(source: string): string {
  const words = (content: Inline[]) => content.map((part) => part.text).join("");
  return parseMarkdown(source)
    .map((block) => {
      if (block.kind === "list") return block.items.map((item, i) => `${block.ordered ? `${i + 1}.` : "•"} ${words(item)}`).join("\n");
      return words(block.content);
    })
    .join("\n\n");
}

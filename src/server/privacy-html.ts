/**
 * Turning configured text into HTML for the privacy page: everything escaped,
 * and only web and e-mail addresses made into links. Nothing a configuration
 * holds can become markup, a script or a style (the CSP forbids both anyway).
 */

/** Makes text safe inside HTML elements and double- or single-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * A configured contact as HTML: escaped, line breaks kept, and web addresses
 * (http, https) and e-mail addresses made into links. Nothing else becomes a
 * link, so a `javascript:` value stays text.
 */
export function contactHtml(text: string): string {
  const linkable = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)]|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
  let html = "";
  let last = 0;
  for (const match of text.matchAll(linkable)) {
    const value = match[0];
    const href = value.includes("@") && !value.includes("://") ? `mailto:${value}` : value;
    html += escapeHtml(text.slice(last, match.index)) + `<a href="${escapeHtml(href)}">${escapeHtml(value)}</a>`;
    last = match.index + value.length;
  }
  html += escapeHtml(text.slice(last));
  return html.replace(/\r?\n/g, "<br>\n");
}

/** The operator's free text: paragraphs at blank lines, each as contactHtml. */
export function paragraphsHtml(text: string): string {
  return text
    .split(/\r?\n\s*\r?\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => `<p>${contactHtml(p)}</p>`)
    .join("\n");
}

/** `a, b and c` from values that are escaped and set in bold. */
export function strongList(values: readonly string[], and: string): string {
  const items = values.map((v) => `<strong>${escapeHtml(v)}</strong>`);
  return items.length > 1 ? `${items.slice(0, -1).join(", ")} ${and} ${items[items.length - 1]}` : (items[0] ?? "");
}

/**
 * An appointment as an iCalendar file (RFC 5545), made in the staff member's browser: the server
 * neither builds nor stores it. One VEVENT with the time in UTC, the practice's name in SUMMARY,
 * the link in URL and DESCRIPTION, and a random UID (RFC 7986 § 5.3 advises against one that
 * says anything: no appointment id, no token, no host name). The caller passes the texts in the
 * UI's language; the label (which may name the patient) is in them only if staff chose so.
 *
 * Pure functions (unit-tested in test/unit/consultation-queue.test.ts).
 */

export interface CalendarEvent {
  /** Random; reveals nothing. */
  uid: string;
  /** When the file was made (DTSTAMP), ms since 1970. */
  stamp: number;
  start: number;
  end: number;
  summary: string;
  description: string;
  url: string;
}

/** RFC 5545 § 3.3.5, form #2: UTC date-time, e.g. 20261128T093000Z. */
export function utcDateTime(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}Z$/, "Z");
}

/** RFC 5545 § 3.3.11: backslash, semicolon and comma escaped, line breaks as \n. */
export function escapeText(text: string): string {
  return text.replace(/[\\;,]/g, (c) => `\\${c}`).replace(/\r\n|\r|\n/g, "\\n");
}

const encoder = new TextEncoder();

/**
 * RFC 5545 § 3.1: a content line longer than 75 octets is folded (CRLF and one space); a
 * continuation line's leading space counts towards its 75. A UTF-8 character is never split.
 */
export function foldLine(line: string): string {
  const parts: string[] = [];
  let current = "";
  let octets = 0;
  for (const char of line) {
    const size = encoder.encode(char).length;
    if (octets + size > 75) {
      parts.push(current);
      current = " ";
      octets = 1;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join("\r\n");
}

/** The whole file, CRLF line ends (the last line too). */
export function calendarFile(event: CalendarEvent): string {
  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//Treff//Video consultation//EN",
    "CALSCALE:GREGORIAN",
    "METHOD:PUBLISH",
    "BEGIN:VEVENT",
    `UID:${event.uid}`,
    `DTSTAMP:${utcDateTime(event.stamp)}`,
    `DTSTART:${utcDateTime(event.start)}`,
    `DTEND:${utcDateTime(event.end)}`,
    `SUMMARY:${escapeText(event.summary)}`,
    `DESCRIPTION:${escapeText(event.description)}`,
    // A URI value is not TEXT: no escaping (RFC 5545 § 3.3.13); the link has no line breaks.
    `URL:${event.url.replace(/[\r\n]/g, "")}`,
    "TRANSP:OPAQUE",
    "END:VEVENT",
    "END:VCALENDAR",
  ];
  return lines.map(foldLine).join("\r\n") + "\r\n";
}

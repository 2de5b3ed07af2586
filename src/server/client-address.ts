/**
 * The client's address, as the per-address limits see it. Kept only in
 * memory by a connection for as long as it lives; never logged.
 */
import type { IncomingMessage } from "node:http";
import { isIPv4, isIPv6 } from "node:net";

/** The client's address: the socket's, or behind a trusted proxy the one the proxy saw. */
export function clientAddress(request: IncomingMessage, trustProxy: boolean): string {
  // The proxy appends the address it saw: the last entry is the one a client cannot forge.
  const forwarded = trustProxy ? String(request.headers["x-forwarded-for"] ?? "").split(",").pop()?.trim() : "";
  return forwarded || request.socket.remoteAddress || "unknown";
}

/**
 * The group an address counts in for limits: an IPv4 address alone (also when written as an
 * IPv4-mapped IPv6 address), an IPv6 address by its /64 — one customer's network, which a
 * single client can fill with as many addresses as it likes.
 */
export function addressGroup(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return mapped;
  if (isIPv4(address)) return address;
  const bare = address.split("%")[0]!; // a zone id (fe80::1%eth0) names no network
  if (!isIPv6(bare)) return address;
  return `${expandIPv6(bare).slice(0, 4).join(":")}::/64`;
}

/** The eight groups of an IPv6 address, without `::` shortening or leading zeros. */
function expandIPv6(address: string): string[] {
  const [head = "", tail] = address.toLowerCase().split("::");
  const headGroups = head ? head.split(":") : [];
  const tailGroups = tail ? tail.split(":") : [];
  // An embedded IPv4 tail (::ffff:1.2.3.4 handled above; 64:ff9b::1.2.3.4 here) is two groups.
  const last = tailGroups.at(-1) ?? headGroups.at(-1) ?? "";
  if (isIPv4(last)) {
    const [a, b, c, d] = last.split(".").map(Number) as [number, number, number, number];
    const groups = [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
    (tailGroups.length ? tailGroups : headGroups).splice(-1, 1, ...groups);
  }
  const missing = 8 - headGroups.length - tailGroups.length;
  return [...headGroups, ...Array<string>(tail === undefined ? 0 : missing).fill("0"), ...tailGroups].map((g) => g.replace(/^0+(?=.)/, ""));
}

/**
 * Which of a browser's ICE candidates the media server may use.
 *
 * The media server sends connectivity checks (STUN requests) to every
 * candidate a client names. Without a filter, a client could make it probe
 * the server's own loopback services, link-local neighbours, multicast or
 * privileged ports, or resolve `.local` names on the server's network. A
 * browser's genuine candidates are unicast addresses on ephemeral ports;
 * anything else is dropped here before the media server sees it (in trickled
 * candidates and in `a=candidate` lines of an SDP alike). Pure functions.
 */
import { isIPv4, isIPv6 } from "node:net";

export interface CandidatePolicy {
  /** Loopback addresses are acceptable (the tests' media runs on 127.0.0.2). */
  allowLoopback: boolean;
}

/** Lowest port a browser's candidate uses: browsers bind ephemeral ports. */
const MIN_PORT = 1024;

/** The connection-address and port of a candidate line (`candidate:…` or `a=candidate:…`), if it has them. */
function addressAndPort(candidate: string): { address: string; port: number } | undefined {
  // foundation component transport priority connection-address port typ …
  const fields = candidate.replace(/^a=/, "").replace(/^candidate:/, "").trim().split(/\s+/);
  if (fields.length < 8 || fields[6] !== "typ") return undefined;
  const port = Number(fields[5]);
  return Number.isInteger(port) ? { address: fields[4]!, port } : undefined;
}

/** Whether an IPv4 address (dotted quad) is one a browser may genuinely offer. */
function acceptableIPv4(address: string, policy: CandidatePolicy): boolean {
  const [a, b] = address.split(".").map(Number) as [number, number];
  if (a === 0 || a >= 224) return false; // "this network", multicast, reserved, broadcast
  if (a === 127) return policy.allowLoopback;
  if (a === 169 && b === 254) return false; // link-local
  return true;
}

function acceptableIPv6(address: string, policy: CandidatePolicy): boolean {
  // One spelling per address (URL's serialiser): "0:0:0:0:0:0:0:1" is "::1", and an embedded
  // IPv4 address, dotted or not, is two hex groups, so no other spelling slips past the checks.
  const lower = new URL(`http://[${address.split("%")[0]!}]`).hostname.slice(1, -1);
  // IPv4-mapped (::ffff:a.b.c.d), -translated (::ffff:0:a.b.c.d) and -compatible (::a.b.c.d).
  const embedded = /^::(?:ffff:(?:0:)?)?([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (embedded) {
    const [high, low] = [parseInt(embedded[1]!, 16), parseInt(embedded[2]!, 16)];
    return acceptableIPv4(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`, policy);
  }
  if (lower === "::") return false;
  if (lower === "::1") return policy.allowLoopback;
  if (/^fe[89ab]/.test(lower)) return false; // link-local fe80::/10
  if (lower.startsWith("ff")) return false; // multicast
  return true;
}

/**
 * Whether the media server may use a candidate. An empty candidate (end of candidates) is
 * fine; so is a line this parser does not understand as a candidate at all (the media server
 * ignores it); a `.local` name, a non-unicast or loopback address, or a privileged port is not.
 */
export function acceptableCandidate(candidate: string, policy: CandidatePolicy): boolean {
  if (candidate.trim() === "") return true;
  const parsed = addressAndPort(candidate);
  if (!parsed) return false;
  const { address, port } = parsed;
  if (port < MIN_PORT || port > 65535) return false;
  if (isIPv4(address)) return acceptableIPv4(address, policy);
  if (isIPv6(address.split("%")[0]!)) return acceptableIPv6(address, policy);
  return false; // a name (mDNS `.local` or anything else): the media server must not resolve it
}

/** The SDP without the `a=candidate` lines the media server must not use. */
export function filterSdpCandidates(sdp: string, policy: CandidatePolicy): string {
  return sdp
    .split(/(?<=\n)/)
    .filter((line) => !line.startsWith("a=candidate:") || acceptableCandidate(line.trimEnd(), policy))
    .join("");
}

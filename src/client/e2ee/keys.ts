/**
 * The keys of end-to-end encryption and everything derived from them, on
 * WebCrypto alone (browser page, worker and Node's tests run the same code).
 * docs/e2ee.md explains the scheme; in short:
 *
 * - Each participant has an identity key pair for the meeting (ECDH P-256).
 *   Two participants derive a pairwise key from their identity keys (and,
 *   when the link carries a passphrase, from the passphrase too) and seal
 *   media keys for each other with it. The server relays only sealed keys.
 * - Each participant encrypts their media and chat under their own sender
 *   key: 16 random bytes from which the frame key, its nonce salt and the
 *   chat key are derived. A sender key's successor on someone's arrival is
 *   its ratchet (a one-way function: the newcomer cannot go back); on
 *   someone's departure a fresh random key.
 * - A fingerprint per identity key (30 digits, about 100 bits, from 5,200
 *   rounds of SHA-512 as Signal does); the safety code two people compare is
 *   both fingerprints. Faking one person's fingerprint means finding another
 *   key with the same 100 bits (a second preimage), not any two colliding
 *   keys, and the rounds make every try dear.
 * - Every sealed media key carries its sender's epoch: a number that only
 *   grows (it survives the sender's reloads), so a receiver refuses a key
 *   the server replays from the past.
 */

const subtle = globalThis.crypto.subtle;
const utf8 = new TextEncoder();

/** Labels keep every derived key apart from every other (domain separation). */
const LABEL = {
  frame: "treff e2ee v1 frame",
  chat: "treff e2ee v1 chat",
  content: "treff e2ee v1 content",
  ratchet: "treff e2ee v1 ratchet",
  pairwise: "treff e2ee v1 pairwise",
  sealKey: "treff e2ee v2 sealed key",
  passphrase: "treff e2ee v1 passphrase",
  fingerprint: "treff e2ee v2 fingerprint",
} as const;

/** PBKDF2 rounds for a link's passphrase (OWASP's current guidance for PBKDF2-HMAC-SHA256). */
export const PASSPHRASE_ITERATIONS = 600_000;
/** SHA-512 rounds of a fingerprint: a second-preimage search pays them for every candidate key. */
const FINGERPRINT_ROUNDS = 5_200;
/** Bytes of the epoch in front of a sealed sender key. */
const EPOCH_BYTES = 8;

/** Bytes of a sender key. */
export const SENDER_KEY_BYTES = 16;
/** Bytes of an AES-GCM nonce. */
export const NONCE_BYTES = 12;

/** What a sender key gives: the frame key with the salt of its nonces, and the chat key. */
export interface SenderKey {
  frameKey: CryptoKey;
  /** XORed with the frame counter to make each frame's nonce. */
  salt: Uint8Array;
  chatKey: CryptoKey;
}

export function newSenderKey(): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(SENDER_KEY_BYTES));
}

async function hkdf(ikm: Uint8Array, info: string, bytes: number, salt: Uint8Array = new Uint8Array(32)): Promise<Uint8Array> {
  const base = await subtle.importKey("raw", ikm as BufferSource, "HKDF", false, ["deriveBits"]);
  const bits = await subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt: salt as BufferSource, info: utf8.encode(info) }, base, bytes * 8);
  return new Uint8Array(bits);
}

const aesKey = (raw: Uint8Array) => subtle.importKey("raw", raw as BufferSource, "AES-GCM", false, ["encrypt", "decrypt"]);

export async function expandSenderKey(raw: Uint8Array): Promise<SenderKey> {
  const [frame, chat] = await Promise.all([hkdf(raw, LABEL.frame, 16 + NONCE_BYTES), hkdf(raw, LABEL.chat, 16)]);
  return { frameKey: await aesKey(frame.slice(0, 16)), salt: frame.slice(16), chatKey: await aesKey(chat) };
}

/** The next sender key after someone arrives. One-way: nobody can compute the key before it. */
export function ratchet(raw: Uint8Array): Promise<Uint8Array> {
  return hkdf(raw, LABEL.ratchet, SENDER_KEY_BYTES);
}

// --- identity and pairwise keys ---------------------------------------------

export interface Identity {
  privateKey: CryptoKey;
  /** The raw public key in base64url, as it travels in `join` and `Participant.publicKey`. */
  publicKey: string;
}

/** A fresh identity key pair; the private key cannot be exported. */
export async function newIdentityKeyPair(): Promise<CryptoKeyPair> {
  return (await subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, false, ["deriveBits"])) as CryptoKeyPair;
}

export async function identityOf(pair: CryptoKeyPair): Promise<Identity> {
  const raw = new Uint8Array(await subtle.exportKey("raw", pair.publicKey));
  return { privateKey: pair.privateKey, publicKey: toBase64Url(raw) };
}

/** A fresh identity. */
export async function createIdentity(): Promise<Identity> {
  return identityOf(await newIdentityKeyPair());
}

/**
 * What a passphrase from the meeting link adds to every pairwise key. Slow
 * on purpose (PBKDF2), salted with the room, so it cannot be guessed quickly.
 */
export async function passphraseSecret(passphrase: string, room: string): Promise<Uint8Array> {
  const base = await subtle.importKey("raw", utf8.encode(passphrase), "PBKDF2", false, ["deriveBits"]);
  const salt = utf8.encode(`${LABEL.passphrase}|${room}`);
  return new Uint8Array(await subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations: PASSPHRASE_ITERATIONS }, base, 256));
}

// 32 letters and digits without look-alikes (l, o, 0, 1): 5 bits each, so no modulo bias.
const PASSPHRASE_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789";
const PASSPHRASE_GROUPS = 4;
const PASSPHRASE_GROUP_LENGTH = 5;

/**
 * A fresh passphrase for a meeting link: 20 random characters (100 bits) in
 * groups of five, readable aloud and safe in a URL fragment as it is.
 */
export function newPassphrase(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(PASSPHRASE_GROUPS * PASSPHRASE_GROUP_LENGTH));
  const characters = [...bytes].map((byte) => PASSPHRASE_ALPHABET[byte % PASSPHRASE_ALPHABET.length]!);
  const groups: string[] = [];
  for (let i = 0; i < characters.length; i += PASSPHRASE_GROUP_LENGTH) groups.push(characters.slice(i, i + PASSPHRASE_GROUP_LENGTH).join(""));
  return groups.join("-");
}

/**
 * The key two participants share, from one's private and the other's public
 * identity key (the same on both sides), bound to the passphrase secret if
 * there is one. It seals the media keys they send each other.
 */
export async function pairwiseKey(own: Identity, peerPublicKey: string, passphrase?: Uint8Array): Promise<CryptoKey> {
  const peer = await subtle.importKey("raw", fromBase64Url(peerPublicKey) as BufferSource, { name: "ECDH", namedCurve: "P-256" }, false, []);
  const shared = new Uint8Array(await subtle.deriveBits({ name: "ECDH", public: peer }, own.privateKey, 256));
  // Both public keys in a fixed order go into the label: the key belongs to exactly this pair.
  const [a, b] = [own.publicKey, peerPublicKey].sort();
  return aesKey(await hkdf(shared, `${LABEL.pairwise}|${a}|${b}`, 32, passphrase));
}

/** What a sealed media key is bound to: who sent it to whom, and which of the sender's keys it is. */
const sealedKeyLabel = (from: string, to: string, keyId: number) => utf8.encode(`${LABEL.sealKey}|${from}|${to}|${keyId}`);

/**
 * Seals a sender key for one receiver, with the sender's `epoch` in front of it: a number the
 * sender raises with every key it sends, never lower than one it sent before (see E2eeSession).
 */
export async function sealSenderKey(pairwise: CryptoKey, raw: Uint8Array, from: string, to: string, keyId: number, epoch: number): Promise<string> {
  const plain = new Uint8Array(EPOCH_BYTES + raw.length);
  new DataView(plain.buffer).setBigUint64(0, BigInt(epoch));
  plain.set(raw, EPOCH_BYTES);
  return seal(pairwise, plain, sealedKeyLabel(from, to, keyId));
}

/**
 * The media key and its epoch, or undefined if it was not sealed with this pairwise key for
 * exactly this sender, receiver and key id. Whether the epoch is new is the caller's to check.
 */
export async function openSenderKey(pairwise: CryptoKey, sealed: string, from: string, to: string, keyId: number): Promise<{ raw: Uint8Array; epoch: number } | undefined> {
  const plain = await open(pairwise, sealed, sealedKeyLabel(from, to, keyId));
  if (plain?.length !== EPOCH_BYTES + SENDER_KEY_BYTES) return undefined;
  const epoch = Number(new DataView(plain.buffer, plain.byteOffset).getBigUint64(0));
  return { raw: plain.slice(EPOCH_BYTES), epoch };
}

// --- chat ---------------------------------------------------------------------

export function sealChat(key: SenderKey, text: string, from: string, keyId: number): Promise<string> {
  return seal(key.chatKey, utf8.encode(text), utf8.encode(`${LABEL.chat}|${from}|${keyId}`));
}

export async function openChat(key: SenderKey, sealed: string, from: string, keyId: number): Promise<string | undefined> {
  const plain = await open(key.chatKey, sealed, utf8.encode(`${LABEL.chat}|${from}|${keyId}`));
  return plain && new TextDecoder().decode(plain);
}

// --- content (polls, whiteboard, notes, slides…) -----------------------------------

/** Sealed under the sender key's chat key, labelled with the topic: content of one topic never opens as another's, or as chat. */
export function sealContent(key: SenderKey, topic: string, bytes: Uint8Array, from: string, keyId: number): Promise<string> {
  return seal(key.chatKey, bytes, utf8.encode(`${LABEL.content}|${topic}|${from}|${keyId}`));
}

export function openContent(key: SenderKey, topic: string, sealed: string, from: string, keyId: number): Promise<Uint8Array | undefined> {
  return open(key.chatKey, sealed, utf8.encode(`${LABEL.content}|${topic}|${from}|${keyId}`));
}

/** AES-GCM with a random nonce: nonce ‖ ciphertext ‖ tag, in base64url. */
async function seal(key: CryptoKey, plain: Uint8Array, label: Uint8Array): Promise<string> {
  const nonce = globalThis.crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
  const cipher = new Uint8Array(await subtle.encrypt({ name: "AES-GCM", iv: nonce, additionalData: label as BufferSource }, key, plain as BufferSource));
  const out = new Uint8Array(NONCE_BYTES + cipher.length);
  out.set(nonce);
  out.set(cipher, NONCE_BYTES);
  return toBase64Url(out);
}

async function open(key: CryptoKey, sealed: string, label: Uint8Array): Promise<Uint8Array | undefined> {
  try {
    const bytes = fromBase64Url(sealed);
    const plain = await subtle.decrypt(
      { name: "AES-GCM", iv: bytes.slice(0, NONCE_BYTES), additionalData: label as BufferSource },
      key,
      bytes.slice(NONCE_BYTES) as BufferSource,
    );
    return new Uint8Array(plain);
  } catch {
    return undefined; // wrong key, tampered, or not base64url: all the same to the caller
  }
}

// --- fingerprints and safety codes ------------------------------------------------

/**
 * One identity key's fingerprint: 30 digits in six groups of five (each group five bytes of the
 * digest modulo 100,000, as Signal's safety numbers: about 100 bits in all).
 */
export async function fingerprint(publicKey: string): Promise<string> {
  const key = fromBase64Url(publicKey);
  let digest = new Uint8Array(await subtle.digest("SHA-512", concat(utf8.encode(LABEL.fingerprint), key) as BufferSource));
  for (let round = 1; round < FINGERPRINT_ROUNDS; round++) {
    digest = new Uint8Array(await subtle.digest("SHA-512", concat(digest, key) as BufferSource));
  }
  const groups: string[] = [];
  for (let i = 0; i < 6; i++) {
    let value = 0;
    for (let j = 0; j < 5; j++) value = value * 256 + digest[i * 5 + j]!;
    groups.push(String(value % 100_000).padStart(5, "0"));
  }
  return groups.join(" ");
}

/**
 * The safety code two people compare: both their fingerprints, the lower first, so both read
 * the same 60 digits. If they match, each holds the other's real identity key.
 */
export async function safetyCode(publicKeyA: string, publicKeyB: string): Promise<string> {
  const codes = await Promise.all([fingerprint(publicKeyA), fingerprint(publicKeyB)]);
  return codes.sort().join(" ");
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

// --- base64url ------------------------------------------------------------------

export function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/**
 * Throws on anything that is not base64url in its one canonical spelling:
 * unused trailing bits must be zero, so that one key never has two spellings
 * (a public key's text goes into the safety code).
 */
export function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error("not base64url");
  const bytes = Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
  if (toBase64Url(bytes) !== text) throw new Error("not canonical base64url");
  return bytes;
}

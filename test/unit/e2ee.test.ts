import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { FRAME_OVERHEAD, TRAILER_BYTES, clearBytes, decryptFrame, encryptFrame, frameKeyId, type MediaKind } from "../../src/client/e2ee/frame.js";
import { KEY_IDS, KeyRing } from "../../src/client/e2ee/keyring.js";
import { ReplayWindow, WINDOW } from "../../src/client/e2ee/replay.js";
import {
  SENDER_KEY_BYTES,
  createIdentity,
  expandSenderKey,
  fromBase64Url,
  newPassphrase,
  newSenderKey,
  openChat,
  openSenderKey,
  pairwiseKey,
  passphraseSecret,
  ratchet,
  safetyCode,
  fingerprint,
  sealChat,
  sealSenderKey,
  toBase64Url,
  type SenderKey,
} from "../../src/client/e2ee/keys.js";

// --- helpers ------------------------------------------------------------------

/** A sender key made of one repeated byte: the ciphertexts of tests that compare them are the same on every run. */
const fixedKey = (seed: number) => new Uint8Array(SENDER_KEY_BYTES).fill(seed);

/** `length` bytes that are not all alike, the same on every run. */
const bytes = (length: number) => Uint8Array.from({ length }, (_, i) => (i * 31 + 7) % 256);

/** A copy of `data` with the lowest bit of byte `index` flipped. */
function flipped(data: ArrayBuffer | Uint8Array, index: number): Uint8Array<ArrayBuffer> {
  const copy = Uint8Array.from(data instanceof ArrayBuffer ? new Uint8Array(data) : data);
  copy[index]! ^= 1;
  return copy;
}

/** `raw` and its ratchets: element i is i steps on. */
async function ratchets(raw: Uint8Array, steps: number): Promise<Uint8Array[]> {
  const chain = [raw];
  for (let i = 0; i < steps; i++) chain.push(await ratchet(chain[i]!));
  return chain;
}

/** What the key ring tests encrypt: an audio frame (one clear byte). */
const SAMPLE = bytes(40);
const SAMPLE_CLEAR = clearBytes("audio", false);

/** SAMPLE encrypted under the sender key `raw`, marked with `keyId`. */
async function frameUnder(raw: Uint8Array, keyId: number): Promise<ArrayBuffer> {
  return encryptFrame(await expandSenderKey(raw), keyId, 0, SAMPLE.slice().buffer, SAMPLE_CLEAR);
}

/** Whether `key` decrypts `frame` (made by frameUnder) back to SAMPLE. */
async function opens(key: SenderKey | undefined, frame: ArrayBuffer): Promise<boolean> {
  const plain = key && (await decryptFrame(key, frame, SAMPLE_CLEAR));
  return plain !== undefined && Buffer.from(plain).equals(SAMPLE);
}

/** Whether the ring's key for `keyId` is the sender key `raw`: it decrypts a frame encrypted under `raw`. */
async function ringHolds(ring: KeyRing, keyId: number, raw: Uint8Array): Promise<boolean> {
  return opens(await ring.get(keyId), await frameUnder(raw, keyId));
}

/** A ring that has received `raw` as key `keyId`. */
function ringWith(keyId: number, raw: Uint8Array): KeyRing {
  const ring = new KeyRing();
  ring.set(keyId, raw);
  return ring;
}

/** Whether a sender key sealed from a to b with `sealing` opens with `opening`. */
async function carries(sealing: CryptoKey, opening: CryptoKey): Promise<boolean> {
  const raw = newSenderKey();
  const opened = await openSenderKey(opening, await sealSenderKey(sealing, raw, "a", "b", 0, 1), "a", "b", 0);
  return opened !== undefined && Buffer.from(opened.raw).equals(raw);
}

/** Two identities and the pairwise key each derives for the other, with each side's passphrase secret (if any). */
async function pairOf(secretA?: Uint8Array, secretB?: Uint8Array) {
  const [a, b] = await Promise.all([createIdentity(), createIdentity()]);
  return { a, b, ab: await pairwiseKey(a, b.publicKey, secretA), ba: await pairwiseKey(b, a.publicKey, secretB) };
}

/** A base64url string with one bit of its decoded byte `index` flipped. */
const tampered = (sealed: string, index: number) => toBase64Url(flipped(fromBase64Url(sealed), index));

// --- keys.ts --------------------------------------------------------------------

describe("base64url", () => {
  test("every byte value survives the round trip, at every length modulo 3, without padding", () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    for (const length of [0, 1, 2, 3, 4, 5, 255, 256]) {
      const data = all.subarray(0, length);
      const text = toBase64Url(data);
      assert.match(text, /^[A-Za-z0-9_-]*$/);
      assert.equal(text, Buffer.from(data).toString("base64url"), `length ${length}`);
      assert.deepEqual(fromBase64Url(text), Uint8Array.from(data));
    }
  });

  test("anything that is not base64url is rejected", () => {
    for (const text of ["ab+c", "ab/c", "abc=", "A===", "ab c", "ab.c", "äbc", "ab\nc", "A", "AAAAA"]) {
      assert.throws(() => fromBase64Url(text), Error, JSON.stringify(text));
    }
  });

  test("each byte string has one spelling: unused trailing bits must be zero", () => {
    assert.deepEqual([...fromBase64Url("AA")], [0]);
    for (const text of ["AB", "AAB", "B".repeat(87)]) assert.throws(() => fromBase64Url(text), /canonical/, text);
  });
});

describe("identities and pairwise keys", () => {
  test("a public key is 87 base64url characters: 65 raw bytes, an uncompressed P-256 point", async () => {
    const { publicKey, privateKey } = await createIdentity();
    assert.match(publicKey, /^[A-Za-z0-9_-]{87}$/);
    const raw = fromBase64Url(publicKey);
    assert.equal(raw.length, 65);
    assert.equal(raw[0], 0x04);
    assert.equal(privateKey.extractable, false);
  });

  test("each identity is new", async () => {
    const [a, b] = await Promise.all([createIdentity(), createIdentity()]);
    assert.notEqual(a.publicKey, b.publicKey);
  });

  test("both sides derive the same pairwise key: what one seals, the other opens", async () => {
    const { ab, ba } = await pairOf();
    assert.equal(await carries(ab, ba), true);
    assert.equal(await carries(ba, ab), true);
  });

  test("a third party's pairwise key with either side opens nothing", async () => {
    const { a, b, ab } = await pairOf();
    const eve = await createIdentity();
    for (const eavesdropper of [await pairwiseKey(eve, a.publicKey), await pairwiseKey(eve, b.publicKey)]) {
      assert.equal(await carries(ab, eavesdropper), false);
    }
  });

  test("a new passphrase is four groups of five look-alike-free characters, safe in a link, never the same twice", () => {
    const made = Array.from({ length: 200 }, newPassphrase);
    for (const passphrase of made) {
      assert.match(passphrase, /^[a-km-np-z2-9]{5}(-[a-km-np-z2-9]{5}){3}$/);
      assert.equal(encodeURIComponent(passphrase), passphrase, "needs no escaping in a URL fragment");
    }
    assert.equal(new Set(made).size, made.length);
    const used = new Set(made.join("").replaceAll("-", ""));
    assert.equal(used.size, 32, "every character of the alphabet turns up (4000 draws from 32)");
  });

  test("the passphrase secret is 32 bytes, the same for the same passphrase and room, and salted with the room", async () => {
    const [one, again, otherRoom] = await Promise.all([
      passphraseSecret("correct horse", "standup"),
      passphraseSecret("correct horse", "standup"),
      passphraseSecret("correct horse", "retro"),
    ]);
    assert.equal(one.length, 32);
    assert.deepEqual(again, one);
    assert.notDeepEqual(otherRoom, one);
  });

  test("with a passphrase, both sides agree only if both hold the same one", async () => {
    const [secret, same, other] = await Promise.all([
      passphraseSecret("correct horse", "standup"),
      passphraseSecret("correct horse", "standup"),
      passphraseSecret("battery staple", "standup"),
    ]);
    const agreeing = await pairOf(secret, same);
    assert.equal(await carries(agreeing.ab, agreeing.ba), true);
    for (const [secretA, secretB] of [[secret, other], [secret, undefined], [undefined, secret]]) {
      const { ab, ba } = await pairOf(secretA, secretB);
      assert.equal(await carries(ab, ba), false);
    }
  });
});

describe("sealed sender keys", () => {
  test("a sealed key opens only for the sender, receiver and key id it was sealed for", async () => {
    const { ab, ba } = await pairOf();
    const raw = newSenderKey();
    const sealed = await sealSenderKey(ab, raw, "a", "b", 3, 1_800_000_000_000);
    assert.deepEqual(await openSenderKey(ba, sealed, "a", "b", 3), { raw, epoch: 1_800_000_000_000 });
    for (const [from, to, keyId] of [["b", "a", 3], ["c", "b", 3], ["a", "c", 3], ["a", "b", 4]] as const) {
      assert.equal(await openSenderKey(ba, sealed, from, to, keyId), undefined, `${from} → ${to}, key ${keyId}`);
    }
  });

  test("a sealed key with any byte changed does not open", async () => {
    const { ab, ba } = await pairOf();
    const sealed = await sealSenderKey(ab, newSenderKey(), "a", "b", 0, 5);
    const length = fromBase64Url(sealed).length; // nonce, encrypted epoch and key, tag
    for (let i = 0; i < length; i++) assert.equal(await openSenderKey(ba, tampered(sealed, i), "a", "b", 0), undefined, `byte ${i}`);
  });

  test("the epoch travels sealed with the key: the server can neither read nor change it", async () => {
    const { ab, ba } = await pairOf();
    const sealed = await sealSenderKey(ab, newSenderKey(), "a", "b", 0, 2 ** 52);
    assert.equal((await openSenderKey(ba, sealed, "a", "b", 0))?.epoch, 2 ** 52);
    assert.ok(fromBase64Url(sealed).length < 256 * 0.75, "still fits the protocol's sealed-key size");
  });

  test("garbage does not open, and does not throw", async () => {
    const { ab, ba } = await pairOf();
    const truncated = (await sealSenderKey(ab, newSenderKey(), "a", "b", 0, 5)).slice(0, 40);
    for (const garbage of ["", "not base64url!", "AAAA", toBase64Url(bytes(44)), truncated]) {
      assert.equal(await openSenderKey(ba, garbage, "a", "b", 0), undefined, JSON.stringify(garbage));
    }
  });
});

describe("sender keys and the ratchet", () => {
  test("a new sender key is 16 random bytes", () => {
    const [one, two] = [newSenderKey(), newSenderKey()];
    assert.equal(one.length, SENDER_KEY_BYTES);
    assert.notDeepEqual(one, two);
  });

  test("expanding the same raw key twice gives the same keys", async () => {
    const raw = newSenderKey();
    assert.equal(await opens(await expandSenderKey(raw), await frameUnder(raw, 0)), true);
  });

  test("the ratchet is deterministic, differs from its input, and each step gives a new key", async () => {
    const raw = fixedKey(7);
    const chain = await ratchets(raw, 8);
    assert.deepEqual(await ratchets(fixedKey(7), 8), chain);
    assert.deepEqual(raw, fixedKey(7), "the input is left as it was");
    assert.ok(chain.every((key) => key.length === SENDER_KEY_BYTES));
    assert.equal(new Set(chain.map((key) => toBase64Url(key))).size, chain.length);
  });
});

describe("fingerprints and safety codes", () => {
  test("a fingerprint is 30 digits (about 100 bits) per identity key, the same every time", async () => {
    const a = await createIdentity();
    const print = await fingerprint(a.publicKey);
    assert.match(print, /^\d{5}( \d{5}){5}$/);
    assert.equal(await fingerprint(a.publicKey), print);
    assert.notEqual(await fingerprint((await createIdentity()).publicKey), print);
  });

  test("the safety code is both fingerprints, lower first: both sides read the same 60 digits", async () => {
    const [a, b] = await Promise.all([createIdentity(), createIdentity()]);
    const code = await safetyCode(a.publicKey, b.publicKey);
    assert.match(code, /^\d{5}( \d{5}){11}$/);
    assert.equal(await safetyCode(b.publicKey, a.publicKey), code);
    const [printA, printB] = await Promise.all([fingerprint(a.publicKey), fingerprint(b.publicKey)]);
    assert.equal(code, [printA, printB].sort().join(" "));
  });

  test("a man in the middle must match each person's own fingerprint, not just some pair's", async () => {
    // Each half of the code belongs to one key: replacing Ben's key changes Ben's half whatever Ann's is.
    const [ann, ben, mallory] = await Promise.all([createIdentity(), createIdentity(), createIdentity()]);
    const real = await safetyCode(ann.publicKey, ben.publicKey);
    const seenByAnn = await safetyCode(ann.publicKey, mallory.publicKey);
    assert.ok(seenByAnn.includes(await fingerprint(ann.publicKey)));
    assert.ok(!seenByAnn.includes(await fingerprint(ben.publicKey)));
    assert.notEqual(seenByAnn, real);
  });

  test("replacing either key changes the code", async () => {
    const [a, b, mallory] = await Promise.all([createIdentity(), createIdentity(), createIdentity()]);
    const code = await safetyCode(a.publicKey, b.publicKey);
    assert.notEqual(await safetyCode(mallory.publicKey, b.publicKey), code);
    assert.notEqual(await safetyCode(a.publicKey, mallory.publicKey), code);
  });
});

describe("chat", () => {
  test("a message survives the round trip, whatever its characters", async () => {
    const key = await expandSenderKey(newSenderKey());
    for (const text of ["", "hello", "Grüße aus Köln — 你好 👋🏽"]) {
      assert.equal(await openChat(key, await sealChat(key, text, "a", 2), "a", 2), text);
    }
  });

  test("the same message sealed twice looks different (a fresh nonce each time)", async () => {
    const key = await expandSenderKey(newSenderKey());
    assert.notEqual(await sealChat(key, "hello", "a", 0), await sealChat(key, "hello", "a", 0));
  });

  test("a message opens only with its sender's key, for its sender and key id", async () => {
    const key = await expandSenderKey(newSenderKey());
    const sealed = await sealChat(key, "hello", "a", 2);
    assert.equal(await openChat(await expandSenderKey(newSenderKey()), sealed, "a", 2), undefined, "another sender's key");
    assert.equal(await openChat(key, sealed, "b", 2), undefined, "another sender");
    assert.equal(await openChat(key, sealed, "a", 3), undefined, "another key id");
  });

  test("a message with any byte changed, or garbage, does not open", async () => {
    const key = await expandSenderKey(newSenderKey());
    const sealed = await sealChat(key, "hello", "a", 0);
    const length = fromBase64Url(sealed).length; // nonce, encrypted text, tag
    for (let i = 0; i < length; i++) assert.equal(await openChat(key, tampered(sealed, i), "a", 0), undefined, `byte ${i}`);
    for (const garbage of ["", "not base64url!", "AAAA"]) assert.equal(await openChat(key, garbage, "a", 0), undefined, JSON.stringify(garbage));
  });
});

// --- frame.ts -------------------------------------------------------------------

/** The frame types of the transform, with how many bytes each keeps clear. */
const FRAME_TYPES: { name: string; kind: MediaKind; keyFrame: boolean; clear: number }[] = [
  { name: "Opus frames", kind: "audio", keyFrame: false, clear: 1 },
  { name: "VP8 delta frames", kind: "video", keyFrame: false, clear: 3 },
  { name: "VP8 key frames", kind: "video", keyFrame: true, clear: 10 },
];

/** Frame sizes around the clear header (shorter, exact, longer) and large. */
const sizesAround = (clear: number) => [...new Set([0, 1, 2, 3, clear - 1, clear, clear + 1, 1000, 50_000])].filter((n) => n >= 0);

/** Frames of every size of `sizesAround(clear)`, each with its encryption under a fixed key. */
async function encryptedFrames(clear: number) {
  const key = await expandSenderKey(fixedKey(1));
  return Promise.all(
    sizesAround(clear).map(async (size) => {
      const plain = bytes(size);
      const sealed = new Uint8Array(await encryptFrame(key, 5, 0, plain.slice().buffer, clear));
      return { key, size, plain, sealed };
    }),
  );
}

describe("frame encryption", () => {
  test("how many bytes stay clear: audio 1, VP8 key frame 10, VP8 delta frame 3", () => {
    assert.equal(clearBytes("audio", false), 1);
    assert.equal(clearBytes("audio", true), 1);
    assert.equal(clearBytes("video", true), 10);
    assert.equal(clearBytes("video", false), 3);
  });

  for (const { name, kind, keyFrame, clear } of FRAME_TYPES) {
    test(`${name} of ${sizesAround(clear).join(", ")} bytes survive the round trip and grow by exactly FRAME_OVERHEAD`, async () => {
      assert.equal(clearBytes(kind, keyFrame), clear);
      for (const { key, size, plain, sealed } of await encryptedFrames(clear)) {
        assert.equal(sealed.length, size + FRAME_OVERHEAD, `size ${size}`);
        const decrypted = await decryptFrame(key, sealed.slice().buffer, clear);
        assert.ok(decrypted, `size ${size}`);
        assert.deepEqual(new Uint8Array(decrypted), plain, `size ${size}`);
      }
    });

    test(`${name} keep their first ${clear} bytes clear and hide the rest`, async () => {
      for (const { size, plain, sealed } of await encryptedFrames(clear)) {
        const header = Math.min(clear, size);
        assert.deepEqual(sealed.subarray(0, header), plain.subarray(0, header), `size ${size}`);
        if (size > clear) assert.notDeepEqual(sealed.subarray(clear, size), plain.subarray(clear), `size ${size}`);
      }
    });
  }

  test("the key id is the frame's last byte; a frame too short to be encrypted has none", async () => {
    const key = await expandSenderKey(fixedKey(1));
    for (const keyId of [0, 7, KEY_IDS - 1]) {
      assert.equal(frameKeyId(await encryptFrame(key, keyId, 0, bytes(0).buffer, 1)), keyId);
      assert.equal(frameKeyId(await encryptFrame(key, keyId, 9, bytes(500).buffer, 10)), keyId);
    }
    for (let length = 0; length < FRAME_OVERHEAD; length++) assert.equal(frameKeyId(new ArrayBuffer(length)), undefined);
  });

  test("the same frame under two counters gives two different ciphertexts, and both decrypt", async () => {
    const key = await expandSenderKey(fixedKey(1));
    const plain = bytes(100);
    const [first, second] = await Promise.all([0, 1].map((counter) => encryptFrame(key, 0, counter, plain.slice().buffer, 1)));
    const body = (frame: ArrayBuffer) => new Uint8Array(frame).subarray(0, frame.byteLength - TRAILER_BYTES);
    assert.notDeepEqual(body(first!), body(second!));
    for (const frame of [first!, second!]) assert.deepEqual(new Uint8Array((await decryptFrame(key, frame, 1))!), plain);
  });

  test("counters across the whole 32-bit range survive the round trip", async () => {
    const key = await expandSenderKey(fixedKey(1));
    const plain = bytes(100);
    for (const counter of [2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1]) {
      const decrypted = await decryptFrame(key, await encryptFrame(key, 0, counter, plain.slice().buffer, 3), 3);
      assert.deepEqual(new Uint8Array(decrypted!), plain, `counter ${counter}`);
    }
  });

  test("another key does not decrypt a frame", async () => {
    const frame = await encryptFrame(await expandSenderKey(fixedKey(1)), 0, 0, bytes(100).buffer, 3);
    assert.equal(await decryptFrame(await expandSenderKey(fixedKey(2)), frame, 3), undefined);
  });

  test("changing any single byte (clear header, ciphertext, tag, counter or key id) makes decryption fail", async () => {
    const key = await expandSenderKey(fixedKey(1));
    const frame = await encryptFrame(key, 4, 17, bytes(40).buffer, 10);
    for (let i = 0; i < frame.byteLength; i++) assert.equal(await decryptFrame(key, flipped(frame, i).buffer, 10), undefined, `byte ${i}`);
  });

  test("a frame decrypted with another clear length (a key frame taken for a delta frame) fails", async () => {
    const key = await expandSenderKey(fixedKey(1));
    const frame = await encryptFrame(key, 0, 0, bytes(100).buffer, clearBytes("video", true));
    assert.equal(await decryptFrame(key, frame, clearBytes("video", false)), undefined);
  });

  test("a frame shorter than FRAME_OVERHEAD is not decrypted", async () => {
    const key = await expandSenderKey(fixedKey(1));
    for (let length = 0; length < FRAME_OVERHEAD; length++) assert.equal(await decryptFrame(key, bytes(length).buffer, 1), undefined, `length ${length}`);
  });
});

// --- keyring.ts -------------------------------------------------------------------

describe("KeyRing", () => {
  test("an empty ring has no key", async () => {
    const ring = new KeyRing();
    for (const keyId of [0, 1, KEY_IDS - 1]) assert.equal(await ring.get(keyId), undefined);
  });

  test("a key that was set is found under its id", async () => {
    const raw = newSenderKey();
    assert.equal(await ringHolds(ringWith(10, raw), 10, raw), true);
  });

  test("ids one to four steps after the newest are the ratchets of the newest key", async () => {
    const chain = await ratchets(newSenderKey(), 4);
    for (let steps = 1; steps <= 4; steps++) {
      assert.equal(await ringHolds(ringWith(10, chain[0]!), 10 + steps, chain[steps]!), true, `${steps} steps`);
    }
  });

  test("a derived key that decrypted becomes the newest: the ring follows the ratchet further in later steps", async () => {
    const chain = await ratchets(newSenderKey(), 8);
    const ring = ringWith(0, chain[0]!);
    assert.equal(await ringHolds(ring, 4, chain[4]!), true);
    ring.confirm(4);
    assert.equal(await ringHolds(ring, 8, chain[8]!), true);
    assert.equal(await ringHolds(ring, 2, chain[2]!), true, "the keys in between are kept");
  });

  test("a derived key nothing decrypted under does not move the ring: a made-up key id cannot push it away", async () => {
    const chain = await ratchets(newSenderKey(), 8);
    const ring = ringWith(0, chain[0]!);
    await ring.get(4);
    assert.equal(await ring.get(8), undefined, "still at most four steps from key 0");
    assert.equal(await ringHolds(ring, 3, chain[3]!), true);
  });

  test("confirming an id that is not a derived key ahead of the newest changes nothing", async () => {
    const chain = await ratchets(newSenderKey(), 8);
    const ring = ringWith(0, chain[0]!);
    ring.confirm(4);
    ring.confirm(200);
    assert.equal(await ring.get(5), undefined);
  });

  test("five steps ahead, and ids before the newest that were never set, have no key", async () => {
    const ring = ringWith(10, newSenderKey());
    for (const keyId of [15, 9, 5, 0, 200]) assert.equal(await ring.get(keyId), undefined, `id ${keyId}`);
  });

  test("ids wrap from 255 to 0", async () => {
    const chain = await ratchets(newSenderKey(), 4);
    for (let steps = 1; steps <= 4; steps++) {
      assert.equal(await ringHolds(ringWith(KEY_IDS - 1, chain[0]!), steps - 1, chain[steps]!), true, `${steps} steps`);
    }
    assert.equal(await ringWith(KEY_IDS - 1, chain[0]!).get(4), undefined, "five steps across the wrap");
  });

  test("a key set for an id replaces the one derived for it", async () => {
    const ring = ringWith(0, newSenderKey());
    await ring.get(1);
    const fresh = newSenderKey();
    ring.set(1, fresh);
    assert.equal(await ringHolds(ring, 1, fresh), true);
  });

  test("a key that arrives while the ring derives wins, and the derivation goes on from it", async () => {
    const ring = ringWith(0, newSenderKey());
    const fresh = newSenderKey();
    const deriving = ring.get(3);
    ring.set(2, fresh);
    await deriving;
    assert.equal(await ringHolds(ring, 2, fresh), true);
    assert.equal(await ringHolds(ring, 3, await ratchet(fresh)), true);
  });

  // After a frame with id 2 made the ring derive ids 1 and 2 from key 0, the
  // sender's fresh key 1 arrives (someone left, and the sealed key came late).
  // The sender's next key 2 is the ratchet of that fresh key, not the stale
  // key derived for 2 from the old chain.
  test("a key set for an id also replaces the keys derived after it", async () => {
    const ring = ringWith(0, newSenderKey());
    await ring.get(2);
    const fresh = newSenderKey();
    ring.set(1, fresh);
    assert.equal(await ringHolds(ring, 2, await ratchet(fresh)), true);
  });

  test("advance follows a sender that moved on when someone arrived, step after step, without any frame", async () => {
    const chain = await ratchets(newSenderKey(), 6);
    const ring = ringWith(0, chain[0]!);
    for (let i = 0; i < 6; i++) ring.advance();
    assert.equal(await ringHolds(ring, 6, chain[6]!), true, "six arrivals: more than the four steps a frame may look ahead");
    assert.equal(await ringHolds(ring, 10, chain[6]!), false);
  });

  test("a received key replaces what advance derived after it: the sender had a fresh key on its way", async () => {
    const ring = ringWith(0, newSenderKey());
    ring.advance();
    ring.advance();
    const fresh = newSenderKey();
    ring.set(1, fresh);
    assert.equal(await ringHolds(ring, 1, fresh), true);
    assert.equal(await ringHolds(ring, 2, await ratchet(fresh)), true);
  });

  test("advance on an empty ring does nothing", async () => {
    const ring = new KeyRing();
    ring.advance();
    assert.equal(await ring.get(1), undefined);
  });

  test("only the sixteen newest keys are kept", async () => {
    const keys = Array.from({ length: 20 }, () => newSenderKey());
    const ring = new KeyRing();
    keys.forEach((raw, keyId) => ring.set(keyId, raw));
    const found = [];
    for (const [keyId, raw] of keys.entries()) if (await ringHolds(ring, keyId, raw)) found.push(keyId);
    assert.deepEqual(found, Array.from({ length: 16 }, (_, i) => i + 4));
  });

  // The sender's schedule, as receivers see it: a departure makes a fresh key with the
  // next id; every arrival ratchets the sender's latest key (fresh or not) once.
  for (const arrivals of [1, 6, 12]) {
    test(`${arrivals} arrival(s) while a fresh key is on its way: the ring catches up from it when it comes`, async () => {
      const ring = ringWith(0, newSenderKey());
      for (let i = 0; i < arrivals; i++) ring.advance();
      const fresh = newSenderKey();
      ring.set(1, fresh);
      const [latest] = (await ratchets(fresh, arrivals)).slice(-1);
      assert.equal(await ringHolds(ring, 1 + arrivals, latest!), true, "the sender's latest key");
      assert.equal(await ringHolds(ring, 1, fresh), true, "and the fresh key, still in use for a moment");
    });
  }

  test("a burst of arrivals after the fresh key came keeps the key in use until the switch", async () => {
    const old = newSenderKey();
    const ring = ringWith(0, old);
    const fresh = newSenderKey();
    ring.set(1, fresh);
    for (let i = 0; i < 12; i++) ring.advance();
    assert.equal(await ringHolds(ring, 0, old), true, "the sender still encrypts under key 0 until it switches");
    assert.equal(await ringHolds(ring, 13, (await ratchets(fresh, 12)).at(-1)!), true);
  });

  test("the newest key stays even when it was stored before all the others", async () => {
    const ring = ringWith(50, newSenderKey());
    for (let keyId = 100; keyId < 107; keyId++) ring.set(keyId, newSenderKey());
    // While the ring derives 107 and 108, key 50 arrives again: it becomes the
    // newest but keeps its place as the first stored, the first to be pruned.
    const deriving = ring.get(108);
    const newest = newSenderKey();
    ring.set(50, newest);
    await deriving;
    assert.equal(await ringHolds(ring, 50, newest), true);
  });

  test("the same key bytes stay the same key object, also when a received key replaces the derived one", async () => {
    const raw = newSenderKey();
    const ring = ringWith(0, raw);
    ring.advance();
    const derived = await ring.get(1);
    ring.set(1, await ratchet(raw)); // the sender's own copy of the very same key arrives
    assert.equal(await ring.get(1), derived, "same object: its replay window carries on");
    const other = newSenderKey();
    ring.set(1, other);
    assert.notEqual(await ring.get(1), derived, "new bytes, new key");
    assert.equal(await ringHolds(ring, 1, other), true);
  });
});

describe("ReplayWindow", () => {
  const accepts = (window: ReplayWindow, counters: number[]) => counters.map((c) => window.accept(c));

  test("each counter is accepted once", () => {
    const window = new ReplayWindow();
    assert.deepEqual(accepts(window, [0, 1, 2, 1, 2, 3, 0]), [true, true, true, false, false, true, false]);
  });

  test("counters out of order within the window are accepted, each once (streams of one sender interleave)", () => {
    const window = new ReplayWindow();
    assert.deepEqual(accepts(window, [10, 7, 12, 8, 11, 9, 7, 12]), [true, true, true, true, true, true, false, false]);
  });

  test("a counter older than the window is refused, one just inside is accepted", () => {
    const window = new ReplayWindow();
    window.accept(5000);
    assert.equal(window.accept(5000 - WINDOW), false);
    assert.equal(window.accept(5000 - WINDOW + 1), true);
  });

  test("after a jump, the counters jumped over are new; those seen before stay seen while inside the window", () => {
    const window = new ReplayWindow();
    accepts(window, [0, 1, 2]);
    window.accept(WINDOW + 1);
    assert.equal(window.accept(500), true, "jumped over, so never seen");
    assert.equal(window.accept(2), false, "seen, and still inside the window");
    assert.equal(window.accept(1), false, "fell out of the window");
    window.accept(10 * WINDOW);
    assert.equal(window.accept(10 * WINDOW - 1), true);
    assert.equal(window.accept(WINDOW + 1), false, "far behind now");
  });

  test("a counter whose bit position was used a window ago is new again", () => {
    const window = new ReplayWindow();
    window.accept(3);
    for (let c = 4; c < WINDOW + 3; c++) window.accept(c);
    assert.equal(window.accept(WINDOW + 3), true, "same bit as 3, one window later");
    assert.equal(window.accept(WINDOW + 3), false);
  });

  test("the highest counter a key may use works", () => {
    const window = new ReplayWindow();
    assert.equal(window.accept(2 ** 32 - 1), true);
    assert.equal(window.accept(2 ** 32 - 1), false);
    assert.equal(window.accept(2 ** 32 - 2), true);
  });
});

// --- the key schedule as a whole ---------------------------------------------------

describe("key schedule", () => {
  test("after someone leaves, no key the leaver held reaches the fresh key", async () => {
    // The sender started with key 0, moved to its ratchet (key 1) when someone
    // arrived, and made fresh key 2 when the leaver left.
    const [first, second] = await ratchets(newSenderKey(), 1);
    const fresh = newSenderKey();
    const frame = await frameUnder(fresh, 2);

    const stayer = ringWith(0, first!);
    stayer.set(1, second!);
    stayer.set(2, fresh);
    assert.equal(await opens(await stayer.get(2), frame), true, "who received the fresh key decrypts");

    const leaver = ringWith(0, first!);
    leaver.set(1, second!);
    assert.equal(frameKeyId(frame), 2);
    const derived = await leaver.get(2);
    assert.ok(derived, "the leaver's ring takes id 2 for the next ratchet step");
    assert.equal(await opens(derived, frame), false, "but that key does not decrypt");
    // Nor does any ratchet the leaver could compute on its own, however far.
    for (const raw of [...(await ratchets(first!, 16)), ...(await ratchets(second!, 16))]) {
      assert.equal(await opens(await expandSenderKey(raw), frame), false);
    }
  });

  test("after someone arrives, the newcomer cannot reach the key used before", async () => {
    const [before, after] = await ratchets(newSenderKey(), 1);
    const newcomer = ringWith(1, after!);
    assert.equal(await newcomer.get(0), undefined);
    assert.equal(await opens(await expandSenderKey(after!), await frameUnder(before!, 0)), false);
  });
});

/**
 * The identity key pair a tab uses in a meeting, kept across reloads, so that
 * a safety code people compared stays the same when one of them reloads the
 * page (or the browser restores the tab). It is kept like the resume token:
 * for this tab and this meeting only, and forgotten when the person's part in
 * the meeting ends.
 *
 * IndexedDB is the one browser store that keeps a CryptoKey as it is, so the
 * private key stays non-extractable: no script, ours included, can read its
 * bytes. The database holds no room name: each pair is filed under a random
 * slot id, which only this tab's sessionStorage links to the room. Pairs left
 * behind by tabs that were closed without leaving are deleted after a day.
 */
import type { RoomName } from "../../protocol/messages.js";
import { newIdentityKeyPair } from "./keys.js";

const DATABASE = "treff";
const STORE = "identities";
const MAX_AGE_MS = 24 * 60 * 60 * 1000;

interface Kept {
  pair: CryptoKeyPair;
  /** When it was made (ms since 1970), to delete what closed tabs left. */
  at: number;
}

const slotKey = (room: RoomName) => `treff.identity.${room}`;

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

async function openStore(): Promise<IDBDatabase> {
  const opening = indexedDB.open(DATABASE, 1);
  opening.onupgradeneeded = () => opening.result.createObjectStore(STORE);
  return request(opening);
}

/** Runs `use` on the store in one transaction and waits until it is written. */
async function withStore<T>(mode: IDBTransactionMode, use: (store: IDBObjectStore) => Promise<T>): Promise<T> {
  const db = await openStore();
  try {
    const transaction = db.transaction(STORE, mode);
    const done = new Promise<void>((resolve, reject) => {
      transaction.oncomplete = () => resolve();
      transaction.onerror = transaction.onabort = () => reject(transaction.error);
    });
    const result = await use(transaction.objectStore(STORE));
    await done;
    return result;
  } finally {
    db.close();
  }
}

/**
 * This tab's identity key pair for `room`: the kept one, or a new one that is
 * kept from now on. Where the browser keeps nothing (IndexedDB refused), a new
 * pair each time: encryption works as before, only a reload changes the codes.
 */
export async function keptIdentityKeyPair(room: RoomName): Promise<CryptoKeyPair> {
  try {
    const slot = sessionStorage.getItem(slotKey(room));
    const kept = slot ? await withStore("readonly", (store) => request(store.get(slot) as IDBRequest<Kept | undefined>)) : undefined;
    if (kept) return kept.pair;
    const pair = await newIdentityKeyPair();
    const newSlot = crypto.randomUUID();
    await withStore("readwrite", async (store) => {
      await forgetOld(store);
      await request(store.put({ pair, at: Date.now() } satisfies Kept, newSlot));
    });
    sessionStorage.setItem(slotKey(room), newSlot);
    return pair;
  } catch (error) {
    console.warn("treff: the identity key cannot be kept across reloads:", error);
    return newIdentityKeyPair();
  }
}

/** The person's part in the meeting is over: the pair is deleted. */
export async function forgetIdentity(room: RoomName): Promise<void> {
  const slot = sessionStorage.getItem(slotKey(room));
  sessionStorage.removeItem(slotKey(room));
  if (!slot) return;
  try {
    await withStore("readwrite", (store) => request(store.delete(slot)));
  } catch {
    // nothing kept, nothing to delete
  }
}

async function forgetOld(store: IDBObjectStore): Promise<void> {
  const slots = await request(store.getAllKeys());
  for (const slot of slots) {
    const kept = (await request(store.get(slot))) as Kept | undefined;
    if (!kept || Date.now() - kept.at > MAX_AGE_MS) await request(store.delete(slot));
  }
}

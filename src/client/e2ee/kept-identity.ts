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
 * behind by tabs that were closed without leaving are deleted a day after the
 * tab was last open: every Treff page purges them when it loads and every hour
 * while it stays open (purgeIdentitiesOnSchedule), and each open tab marks its
 * own pairs as still in use. A browser runs no page code while no Treff page
 * is open, so a device that opens none after that day deletes them next time.
 */
import type { RoomName } from "../../protocol/messages.js";
import { newIdentityKeyPair } from "./keys.js";

const DATABASE = "treff";
const STORE = "identities";
const MAX_AGE_MS = 24 * 60 * 60 * 1000;
const PURGE_EVERY_MS = 60 * 60 * 1000;

interface Kept {
  pair: CryptoKeyPair;
  /** When it was made or its tab was last seen open (ms since 1970), to delete what closed tabs left. */
  at: number;
}

const SLOT_PREFIX = "treff.identity.";
const slotKey = (room: RoomName) => `${SLOT_PREFIX}${room}`;

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

/** Runs `use` on the store of `db` in one transaction and waits until it is written. */
async function inTransaction<T>(db: IDBDatabase, mode: IDBTransactionMode, use: (store: IDBObjectStore) => Promise<T>): Promise<T> {
  const transaction = db.transaction(STORE, mode);
  const done = new Promise<void>((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    transaction.onerror = transaction.onabort = () => reject(transaction.error);
  });
  const result = await use(transaction.objectStore(STORE));
  await done;
  return result;
}

/** Opens the database (creating it if need be), runs `use` in one transaction, closes it. */
async function withStore<T>(mode: IDBTransactionMode, use: (store: IDBObjectStore) => Promise<T>): Promise<T> {
  const db = await openStore();
  try {
    return await inTransaction(db, mode, use);
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
      await forgetOld(store, ownSlots());
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

/** Deletes the pairs older than a day, after marking this tab's own (`ownSlots`) as seen now. */
async function forgetOld(store: IDBObjectStore, ownSlots: readonly string[] = []): Promise<void> {
  const slots = await request(store.getAllKeys());
  for (const slot of slots) {
    const kept = (await request(store.get(slot))) as Kept | undefined;
    if (kept && typeof slot === "string" && ownSlots.includes(slot)) await request(store.put({ ...kept, at: Date.now() }, slot));
    else if (!kept || Date.now() - kept.at > MAX_AGE_MS) await request(store.delete(slot));
  }
}

/** The slots this tab keeps pairs in (for any meeting it is in). */
function ownSlots(): string[] {
  const slots: string[] = [];
  for (let i = 0; i < sessionStorage.length; i++) {
    const key = sessionStorage.key(i);
    const slot = key?.startsWith(SLOT_PREFIX) ? sessionStorage.getItem(key) : null;
    if (slot) slots.push(slot);
  }
  return slots;
}

/**
 * Deletes what tabs closed without leaving kept for more than a day. Where
 * there is no database yet (a device that never took part in an encrypted
 * meeting), none is created: the upgrade that would create it is aborted.
 */
export async function purgeOldIdentities(): Promise<void> {
  // Opened here, before any await, so that the request is queued as the page loads.
  const opening = indexedDB.open(DATABASE);
  opening.onupgradeneeded = () => opening.transaction?.abort();
  let db: IDBDatabase;
  try {
    db = await request(opening);
  } catch {
    return; // no database (the abort), or IndexedDB refused: nothing kept, nothing to delete
  }
  try {
    if (db.objectStoreNames.contains(STORE)) await inTransaction(db, "readwrite", (store) => forgetOld(store, ownSlots()));
  } catch (error) {
    console.warn("treff: could not delete old identity keys:", error);
  } finally {
    db.close();
  }
}

/** On every page load (main.ts) and every hour while the page stays open. */
export function purgeIdentitiesOnSchedule(): void {
  if (typeof indexedDB === "undefined") return;
  void purgeOldIdentities();
  setInterval(() => void purgeOldIdentities(), PURGE_EVERY_MS);
}

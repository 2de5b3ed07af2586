/** Meeting passwords: scrypt hash and verification. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { hashPassword, verifyPassword } from "../../src/meeting/password.js";

describe("meeting passwords", () => {
  test("hash and verify round trip", async () => {
    const stored = await hashPassword("open sesame");
    assert.equal(await verifyPassword("open sesame", stored), true);
  });

  test("a wrong password does not verify", async () => {
    const stored = await hashPassword("open sesame");
    for (const wrong of ["open sesame ", "Open sesame", "open", "", "open sesamf"]) {
      assert.equal(await verifyPassword(wrong, stored), false, JSON.stringify(wrong));
    }
  });

  test("the same password gets a different salt and hash each time; each verifies", async () => {
    const [a, b] = await Promise.all([hashPassword("open sesame"), hashPassword("open sesame")]);
    assert.notDeepEqual(a.salt, b.salt);
    assert.notDeepEqual(a.hash, b.hash);
    assert.equal(a.salt.length, 16);
    assert.equal(a.hash.length, 32);
    assert.equal(await verifyPassword("open sesame", a), true);
    assert.equal(await verifyPassword("open sesame", b), true);
  });

  test("the hash does not contain the password", async () => {
    const stored = await hashPassword("open sesame");
    assert.ok(!stored.hash.includes(Buffer.from("open sesame")));
    assert.ok(!stored.salt.includes(Buffer.from("open sesame")));
  });

  test("unicode is normalised: composed and decomposed forms are the same password", async () => {
    const stored = await hashPassword("Gr\u00fc\u00dfe"); // ü as one code point
    assert.equal(await verifyPassword("Gru\u0308\u00dfe", stored), true); // u + combining diaeresis
  });
});

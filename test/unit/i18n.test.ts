import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { en, type MessageKey } from "../../src/client/i18n/en.js";
import { de } from "../../src/client/i18n/de.js";
import { language, preferredLanguage, t } from "../../src/client/i18n/index.js";

describe("preferredLanguage", () => {
  const cases: [languages: string[], stored: string | null, expected: "en" | "de"][] = [
    [["de-DE"], null, "de"],
    [["de"], null, "de"],
    [["DE-at"], null, "de"],
    [["fr"], null, "en"],
    [["fr-FR", "de-CH", "en"], null, "de"],
    [["en-GB", "de"], null, "en"],
    [[], null, "en"],
    [["en"], "de", "de"],
    [["de-DE"], "en", "en"],
    [["de-DE"], "fr", "de"],
    [["fr"], "", "en"],
  ];
  for (const [languages, stored, expected] of cases) {
    test(`${JSON.stringify(languages)}, stored ${JSON.stringify(stored)} -> ${expected}`, () => {
      assert.equal(preferredLanguage(languages, stored), expected);
    });
  }
});

describe("catalogues", () => {
  const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

  test("de has exactly the keys of en", () => {
    assert.deepEqual(Object.keys(de).sort(), Object.keys(en).sort());
  });

  for (const key of Object.keys(en) as MessageKey[]) {
    test(`${key}: non-empty in both, same placeholders`, () => {
      assert.equal(typeof de[key], "string");
      assert.ok(en[key].trim().length > 0, "en is empty");
      assert.ok(de[key].trim().length > 0, "de is empty");
      assert.deepEqual(placeholders(de[key]), placeholders(en[key]));
    });
  }
});

describe("t", () => {
  // In Node there is no stored choice; the language follows the runtime's navigator, if any.
  const catalogue = language() === "de" ? de : en;

  test("fills in placeholders", () => {
    assert.equal(t("youSuffix", { name: "Ann" }), catalogue.youSuffix.replace("{name}", "Ann"));
    assert.equal(t("participants", { count: 3 }), catalogue.participants.replace("{count}", "3"));
  });

  test("leaves a placeholder without a value as it is", () => {
    assert.equal(t("youSuffix"), catalogue.youSuffix);
    assert.ok(t("youSuffix").includes("{name}"));
  });

  test("values are inserted literally: no second expansion, no $-patterns", () => {
    const withValue = (value: string) => catalogue.youSuffix.split("{name}").join(value);
    assert.equal(t("youSuffix", { name: "{other}", other: "X" }), withValue("{other}"));
    assert.equal(t("youSuffix", { name: "$& $1" }), withValue("$& $1"));
  });
});

/**
 * Polls (issue 13), the pure parts: counting answers in the creator's browser
 * (votes changed, duplicates, bad input from a malicious participant),
 * reading what arrives on the content channel, and the CSV export. Property
 * tests compare the tally with a plain model over random sequences of good
 * and bad answers.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { Tally } from "../../src/client/polls/tally.js";
import { encode, parseAnswer, parsePollMessage, type PollSpec } from "../../src/client/polls/poll.js";
import { csvField, pollCsv, type CsvLabels } from "../../src/client/polls/csv.js";

const spec = (change: Partial<PollSpec> = {}): PollSpec => ({
  id: "poll1",
  question: "Lunch?",
  options: ["Pizza", "Soup", "Salad"],
  multiple: false,
  anonymous: false,
  reveal: "live",
  ...change,
});

const LABELS: CsvLabels = { question: "Question", option: "Option", votes: "Votes", voters: "Answered", name: "Name", choices: "Choices" };

describe("Tally", () => {
  test("one ballot per person; a changed answer replaces the earlier one", () => {
    const tally = new Tally(spec());
    assert.ok(tally.vote("a", [0]));
    assert.ok(tally.vote("b", [1]));
    assert.ok(tally.vote("a", [1]));
    assert.deepEqual(tally.results(), { counts: [0, 2, 0], voters: 2 });
    assert.ok(tally.vote("a", []), "an empty answer withdraws it");
    assert.deepEqual(tally.results(), { counts: [0, 1, 0], voters: 1 });
  });

  test("bad answers are ignored and the earlier answer stands", () => {
    const tally = new Tally(spec());
    tally.vote("a", [2]);
    for (const bad of [[0, 1], [3], [-1], [0.5], ["0"], [0, 0], "0", null, { 0: 0 }, [Number.NaN], undefined, [1e20]]) {
      assert.equal(tally.vote("a", bad), false, JSON.stringify(bad));
    }
    assert.deepEqual(tally.results(), { counts: [0, 0, 1], voters: 1 });
  });

  test("multiple choice: several options, each once", () => {
    const tally = new Tally(spec({ multiple: true }));
    assert.ok(tally.vote("a", [2, 0]));
    assert.equal(tally.vote("b", [1, 1]), false);
    assert.ok(tally.vote("b", [0, 1, 2]));
    assert.deepEqual(tally.results(), { counts: [2, 1, 2], voters: 2 });
  });

  test("nothing counts after the poll closed", () => {
    const tally = new Tally(spec());
    tally.vote("a", [0]);
    tally.close();
    assert.equal(tally.vote("b", [1]), false);
    assert.equal(tally.vote("a", [1]), false);
    assert.deepEqual(tally.results(), { counts: [1, 0, 0], voters: 1 });
  });

  test("named polls give out who chose what; anonymous ones never do", () => {
    const named = new Tally(spec());
    named.vote("a", [1]);
    assert.deepEqual(named.ballots(), [["a", [1]]]);
    const anonymous = new Tally(spec({ anonymous: true }));
    anonymous.vote("a", [1]);
    anonymous.vote("a", [2]);
    assert.deepEqual(anonymous.ballots(), []);
    assert.deepEqual(anonymous.results(), { counts: [0, 0, 1], voters: 1 }, "a changed anonymous answer still counts once");
  });

  test("property: the tally equals a model that keeps each voter's last valid answer", () => {
    const answer = fc.oneof(
      fc.array(fc.integer({ min: -2, max: 5 }), { maxLength: 5 }),
      fc.constantFrom<unknown>(null, "x", [0.5], [true], { a: 1 }, [[0]]),
    );
    fc.assert(
      fc.property(fc.boolean(), fc.integer({ min: 2, max: 5 }), fc.array(fc.tuple(fc.constantFrom("a", "b", "c", "d"), answer), { maxLength: 60 }), (multiple, n, votes) => {
        const poll = spec({ multiple, options: Array.from({ length: n }, (_, i) => `o${i}`) });
        const tally = new Tally(poll);
        const model = new Map<string, number[]>();
        for (const [voter, choices] of votes) {
          const ok =
            Array.isArray(choices) &&
            choices.every((c) => Number.isInteger(c) && c >= 0 && c < n) &&
            new Set(choices).size === choices.length &&
            (multiple || choices.length <= 1);
          assert.equal(tally.vote(voter, choices), ok);
          if (ok && (choices as number[]).length === 0) model.delete(voter);
          else if (ok) model.set(voter, choices as number[]);
        }
        const counts = Array.from({ length: n }, (_, i) => [...model.values()].filter((c) => c.includes(i)).length);
        assert.deepEqual(tally.results(), { counts, voters: model.size });
        // Every count is at most the number of voters, and a single-choice poll's counts add up to them.
        assert.ok(counts.every((c) => c <= model.size));
        if (!multiple) assert.equal(counts.reduce((a, b) => a + b, 0), model.size);
      }),
    );
  });
});

describe("poll messages", () => {
  test("round trip of each kind", () => {
    const open = { kind: "open" as const, poll: spec() };
    assert.deepEqual(parsePollMessage(encode(open)), open);
    assert.deepEqual(parsePollMessage(encode({ kind: "close", id: "poll1" })), { kind: "close", id: "poll1" });
    const results = { kind: "results" as const, id: "poll1", results: { counts: [1, 2, 0], voters: 3 } };
    assert.deepEqual(parsePollMessage(encode(results)), results);
    assert.deepEqual(parseAnswer(encode({ id: "poll1", choices: [1] })), { id: "poll1", choices: [1] });
  });

  test("malformed or out-of-bounds input is dropped", () => {
    const bad: unknown[] = [
      { kind: "open", poll: spec({ options: ["only one"] }) },
      { kind: "open", poll: spec({ options: Array.from({ length: 11 }, (_, i) => `o${i}`) }) },
      { kind: "open", poll: spec({ question: "" }) },
      { kind: "open", poll: spec({ question: "x".repeat(301) }) },
      { kind: "open", poll: spec({ id: "no spaces allowed" }) },
      { kind: "open", poll: { ...spec(), reveal: "sometimes" } },
      { kind: "open", poll: spec(), results: { counts: [1, 2], voters: 1 } },
      { kind: "results", id: "poll1", results: { counts: [-1, 2], voters: 1 } },
      { kind: "results", id: "poll1", results: { counts: [1, 2], voters: "2" } },
      { kind: "delete", id: "poll1" },
      ["open"],
    ];
    for (const value of bad) assert.equal(parsePollMessage(new TextEncoder().encode(JSON.stringify(value))), undefined, JSON.stringify(value).slice(0, 80));
    assert.equal(parsePollMessage(new Uint8Array([0xff, 0xfe])), undefined, "not UTF-8");
    assert.equal(parsePollMessage(new TextEncoder().encode("{")), undefined, "not JSON");
    assert.equal(parseAnswer(new TextEncoder().encode(JSON.stringify({ id: 5, choices: [1] }))), undefined);
  });

  test("property: anything at all either parses to a valid message or is dropped, never throws", () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.record({ kind: fc.constantFrom("open", "close", "results"), id: fc.string(), poll: fc.jsonValue(), results: fc.jsonValue() })), (value) => {
        const bytes = new TextEncoder().encode(JSON.stringify(value) ?? "");
        parsePollMessage(bytes);
        parseAnswer(bytes);
      }),
    );
  });
});

describe("CSV export", () => {
  test("quoting, BOM, CRLF, formula defused; named polls list who chose what", () => {
    const poll = spec({ question: 'Which "one", really?', options: ["=SUM(A1)", "Soup, hot", "Salad\nbowl"] });
    const csv = pollCsv(poll, { counts: [1, 2, 0], voters: 3 }, [["Ann", [1]], ["Bo", [0]]], LABELS);
    assert.ok(csv.startsWith("\uFEFF"));
    assert.equal(
      csv.slice(1),
      [
        'Question,"Which ""one"", really?"',
        "Option,Votes",
        "'=SUM(A1),1",
        '"Soup, hot",2',
        '"Salad\nbowl",0',
        "Answered,3",
        "",
        "Name,Choices",
        "Ann,\"Soup, hot\"",
        "Bo,'=SUM(A1)",
        "",
      ].join("\r\n"),
    );
  });

  test("an anonymous poll's file has no names, whatever it is given", () => {
    const csv = pollCsv(spec({ anonymous: true }), { counts: [1, 0, 0], voters: 1 }, [["Ann", [0]]], LABELS);
    assert.ok(!csv.includes("Ann"));
    assert.ok(!csv.includes("Name"));
  });

  test("fields", () => {
    assert.equal(csvField("plain"), "plain");
    assert.equal(csvField(" padded"), '" padded"');
    assert.equal(csvField("-1"), "'-1");
    assert.equal(csvField(-1), "-1");
    assert.equal(csvField("@cmd"), "'@cmd");
  });
});

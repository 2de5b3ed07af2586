// A reporter for Node's test runner that writes, per test file, how long it took and whether it
// passed: one JSON line each, for scripts/test.mjs to sum up. The file's time is its whole run in
// its own process (start-up, hooks and tests), as the runner measured it.
export default async function* testTimes(source) {
  /** Per file: the runner's own figure for the whole file, else the sum of its top-level tests. */
  const files = new Map();
  const entry = (file) => {
    if (!files.has(file)) files.set(file, { file, ms: undefined, sum: 0, passed: true });
    return files.get(file);
  };
  for await (const event of source) {
    const { file, name, nesting, details } = event.data ?? {};
    if (!file) continue;
    if (event.type === "test:complete" && name === file) {
      entry(file).ms = details?.duration_ms;
      if (details?.passed === false) entry(file).passed = false;
    } else if ((event.type === "test:pass" || event.type === "test:fail") && nesting === 0) {
      entry(file).sum += details?.duration_ms ?? 0;
      if (event.type === "test:fail") entry(file).passed = false;
    }
  }
  for (const { file, ms, sum, passed } of files.values()) yield `${JSON.stringify({ file, ms: ms ?? sum, passed })}\n`;
}

/**
 * `npm run compliance [-- --out <folder>]`: the operator's compliance kit,
 * from the configuration the server would run with (defaults, TREFF_CONFIG,
 * environment), in German and English, as Markdown and PDF.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "../server/config.js";
import type { PageLanguage } from "../server/privacy-facts.js";
import { complianceKit } from "./kit.js";
import { toMarkdown } from "./markdown.js";
import { toPdf } from "./pdf.js";

const USAGE = `usage: npm run compliance [-- --out <folder>]
Writes treff-compliance-{de,en}.{md,pdf} into the folder (default: compliance/),
from the same configuration the server reads (TREFF_CONFIG and environment variables).`;

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({ options: { out: { type: "string", default: "compliance" }, help: { type: "boolean", short: "h" } } }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    return 2;
  }
  const packageJson = JSON.parse(await readFile(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  const folder = resolve(args.out);
  await mkdir(folder, { recursive: true });
  const generatedAt = new Date();
  for (const language of ["de", "en"] as PageLanguage[]) {
    const document = complianceKit(config, language, { generatedAt, version: packageJson.version });
    const base = join(folder, `treff-compliance-${language}`);
    await writeFile(`${base}.md`, toMarkdown(document));
    await writeFile(`${base}.pdf`, await toPdf(document, generatedAt));
    console.log(`wrote ${base}.md and ${base}.pdf`);
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`the compliance kit could not be made: ${error.message}`);
    process.exit(1);
  },
);

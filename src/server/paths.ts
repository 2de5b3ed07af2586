import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The project folder (where package.json is), whether running from src/ or dist/. */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("cannot find the Treff project folder");
    dir = parent;
  }
  return dir;
}

/** The built browser client (npm run build). */
export const publicDir = () => join(projectRoot(), "dist", "public");

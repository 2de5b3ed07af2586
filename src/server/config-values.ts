/** Schemas for the kinds of value the configuration holds, as JSON or as environment variable text. */
import { z } from "zod";

/** A whole number, from JSON or from an environment variable's digits (not " ", "1e3" or "0x1F"). */
export const WholeNumber = z.union([z.number(), z.string().trim().regex(/^\d+$/, "expected a whole number").transform(Number)]).pipe(z.number().int());

/** A list from JSON, or from an environment variable as comma-separated values. */
export const StringList = z
  .union([z.array(z.string()), z.string().transform((s) => s.split(",").map((x) => x.trim()).filter(Boolean))])
  .pipe(z.array(z.string()));

/** true/false from JSON, or from an environment variable ("true", "1", "yes", "off", …). */
export const Flag = z.stringbool().or(z.boolean());

/**
 * The operator's command for staff accounts (docs/consultation.md):
 *
 *   npm run staff -- add "Dr. Muster"        a new account; prints its one-time enrolment link
 *   npm run staff -- enrol "Dr. Muster"      a new enrolment link (another device, a lost passkey)
 *   npm run staff -- list                    accounts and how many passkeys each has
 *   npm run staff -- remove "Dr. Muster"     removes the account and its passkeys
 *   npm run staff -- practice "Praxis Muster" the name patients see
 *
 * Reads the same configuration as the server (TREFF_DATA_DIR, TREFF_PUBLIC_URL, TREFF_CONFIG).
 */
import { ConfigError, loadConfig } from "../server/config.js";
import { StaffStore } from "./staff-store.js";

const USAGE = "usage: npm run staff -- add <name> | enrol <name> | list | remove <name> | practice <name>";

export function runStaffCommand(args: string[], env: NodeJS.ProcessEnv, print: (line: string) => void): number {
  const config = loadConfig(env);
  const store = new StaffStore(config.consultation.dataDir);
  const base = (config.consultation.publicUrl ?? `http://${config.host}:${config.port}`).replace(/\/$/, "");
  const enrolLink = (token: string) => `${base}/staff/enrol#${token}`;
  const [command, ...rest] = args;
  const name = rest.join(" ").trim();
  switch (command) {
    case "add": {
      if (!name || name.length > 64) return fail(print, "give the staff member's name (at most 64 characters)");
      if (store.list().some((s) => s.name === name)) return fail(print, `there is already an account named "${name}"`);
      const { token } = store.add(name);
      print(`Account for ${name} created. Send them this one-time link (valid 7 days) to register a passkey:`);
      print(enrolLink(token));
      return 0;
    }
    case "enrol": {
      const token = name ? store.renewEnrolment(name) : undefined;
      if (!token) return fail(print, `no account named "${name}"`);
      print(`New one-time enrolment link for ${name} (valid 7 days):`);
      print(enrolLink(token));
      return 0;
    }
    case "list":
      for (const s of store.list()) print(`${s.name}\t${s.passkeys.length} passkey(s)${s.enrolment ? "\tenrolment link open" : ""}`);
      return 0;
    case "remove":
      if (!store.remove(name)) return fail(print, `no account named "${name}"`);
      print(`Removed ${name}; their sessions end with their next request.`);
      return 0;
    case "practice":
      if (!name || name.length > 120) return fail(print, "give the practice's name (at most 120 characters)");
      store.setPracticeName(name);
      print(`Patients now see: ${name}`);
      return 0;
    default:
      return fail(print, USAGE);
  }
}

function fail(print: (line: string) => void, message: string): number {
  print(message);
  return 2;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    process.exitCode = runStaffCommand(process.argv.slice(2), process.env, (line) => console.log(line));
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : `staff: ${(error as Error).message}`);
    process.exitCode = 2;
  }
}

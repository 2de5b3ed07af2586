/**
 * The home page: start a new meeting or go to one by name; links to the
 * privacy notice and the connection test; and, while the operator has not
 * said who runs this server, a notice to whoever administers it.
 */
import { ROOM_NAME_PATTERN } from "../../protocol/constants.js";
import { newPassphrase } from "../e2ee/keys.js";
import { e2eeSupported } from "../e2ee/session.js";
import { language, t } from "../i18n/index.js";
import { h } from "./dom.js";
import { languageSwitch } from "./language-switch.js";

export function homeScreen(redraw: () => void): HTMLElement {
  const nameInput = h("input", { id: "room-name", name: "room", autocomplete: "off", pattern: "[A-Za-z0-9_\\-]+", maxlength: 64 });
  const error = h("p", { class: "error", role: "alert" });
  // Offered only where this browser can encrypt: elsewhere the passphrase would protect nothing.
  const withPassphrase = h("input", { type: "checkbox", id: "with-passphrase", "aria-describedby": "with-passphrase-hint" });
  const passphraseOption = e2eeSupported()
    ? h(
        "div",
        { class: "passphrase-option" },
        h("div", { class: "row" }, withPassphrase, h("label", { for: "with-passphrase" }, t("passphraseOption"))),
        h("p", { id: "with-passphrase-hint", class: "muted-text" }, t("passphraseOptionHint")),
      )
    : null;
  const create = h("button", { type: "button", class: "primary", onclick: async () => {
    create.disabled = true;
    try {
      const response = await fetch("/api/meetings", { method: "POST" });
      if (!response.ok) throw new Error(String(response.status));
      const { room, moderatorKey, e2ee } = (await response.json()) as { room: string; moderatorKey: string; e2ee: boolean };
      // The creator is the meeting's moderator: the key travels in the fragment, which no server sees;
      // so does the passphrase, which stays in the address bar and in both links of Meeting settings.
      const passphrase = e2ee && withPassphrase.checked ? `&passphrase=${newPassphrase()}` : "";
      location.assign(`/r/${room}#moderator=${moderatorKey}${passphrase}`);
    } catch {
      error.textContent = t("serverUnreachable");
      create.disabled = false;
    }
  } }, t("newMeeting"));
  const form = h("form", { class: "join-by-name", onsubmit: (event: Event) => {
    event.preventDefault();
    const room = nameInput.value.trim().replace(/\s+/g, "-");
    if (ROOM_NAME_PATTERN.test(room)) location.assign(`/r/${room}`);
  } }, h("label", { for: "room-name" }, t("orJoin")), h("div", { class: "row" }, nameInput, h("button", { type: "submit" }, t("go"))));
  const operatorNotice = h(
    "section",
    { class: "operator-notice", "aria-labelledby": "operator-notice-title", hidden: true },
    h("h2", { id: "operator-notice-title" }, t("operatorNoticeTitle")),
    h("p", {}, t("operatorNotice")),
  );
  void serverFacts().then((facts) => {
    operatorNotice.hidden = facts?.operatorConfigured !== false;
    if (facts?.e2ee === false) passphraseOption?.remove();
  });
  return h(
    "main",
    { class: "home card" },
    languageSwitch(redraw),
    h("h1", {}, t("appName")),
    h("p", { class: "tagline" }, t("tagline")),
    operatorNotice,
    create,
    passphraseOption,
    error,
    form,
    h("p", { class: "links" }, h("a", { href: `/privacy?lang=${language()}` }, t("privacy")), " · ", h("a", { href: "/check" }, t("checkConnection"))),
  );
}

/** What the server says about itself (GET /api/server); undefined if it cannot be asked. */
async function serverFacts(): Promise<{ e2ee: boolean; operatorConfigured: boolean } | undefined> {
  try {
    const response = await fetch("/api/server");
    return response.ok ? ((await response.json()) as { e2ee: boolean; operatorConfigured: boolean }) : undefined;
  } catch {
    return undefined;
  }
}

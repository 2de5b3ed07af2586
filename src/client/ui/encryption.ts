/**
 * What the person sees of end-to-end encryption: one line that says whether
 * the meeting is encrypted end to end for everyone, and the dialog with the
 * safety code for one other participant.
 */
import type { ParticipantId } from "../../protocol/messages.js";
import type { PeerState } from "../e2ee/session.js";
import type { EncryptionMode } from "../view.js";
import { t, type MessageKey } from "../i18n/index.js";
import { h } from "./dom.js";
import { icon } from "./icons.js";

export const PEER_STATE_TEXT: Record<PeerState, MessageKey> = {
  encrypted: "e2eeStateEncrypted",
  verified: "e2eeStateVerified",
  changed: "e2eeStateChanged",
  waiting: "e2eeStateWaiting",
  failed: "e2eeStateFailed",
  unencrypted: "e2eeStateUnencrypted",
};

/** States that make the meeting "not end-to-end encrypted for everyone". */
const PROBLEMS: readonly PeerState[] = ["unencrypted", "failed", "changed"];

/** Who is not encrypted end to end, and why: "Gus: not end-to-end encrypted · Fay: keys do not match. Check …". */
function reasons(problems: [ParticipantId, PeerState][], names: (id: ParticipantId) => string): string {
  if (!problems.length) return "";
  const list = problems.map(([id, state]) => `${names(id)}: ${t(PEER_STATE_TEXT[state])}`).join(" · ");
  return problems.some(([, state]) => state === "failed") ? `${list}. ${t("e2eeFailedHint")}` : list;
}

/** The meeting-wide summary, with the reason when it is not encrypted for everyone. */
export class EncryptionBadge {
  readonly element: HTMLElement;
  private readonly label: HTMLElement;
  private readonly detail: HTMLElement;
  /** Loud, and announced at once: a verified person's identity key changed. */
  readonly alert: HTMLElement;

  constructor() {
    this.label = h("strong", {});
    this.detail = h("span", { class: "detail" });
    const [closed, open] = [icon("lock"), icon("lockOpen")];
    closed.classList.add("closed");
    open.classList.add("open");
    this.element = h("p", { class: "encryption", role: "status" }, closed, open, this.label, this.detail);
    this.alert = h("p", { class: "encryption-alert", role: "alert", hidden: true });
    this.update(undefined, new Map());
  }

  /**
   * `mode`: whether this page encrypts, or why not (the browser cannot, or the
   * operator switched it off); `names` says who the others are, for the reasons.
   */
  update(mode: EncryptionMode | undefined, states: Map<ParticipantId, PeerState>, names: (id: ParticipantId) => string = (id) => id): void {
    const encrypting = mode === undefined ? undefined : mode === "encrypting";
    const problems = [...states].filter(([, state]) => PROBLEMS.includes(state));
    const waiting = [...states.values()].some((state) => state === "waiting");
    const level = encrypting === false || problems.length ? "off" : waiting || encrypting === undefined ? "pending" : "on";
    this.element.dataset.level = level;
    this.label.textContent = t(encrypting === false ? "e2eeOff" : problems.length ? "e2eeNotForAll" : level === "pending" ? "e2eeSettingUp" : "e2eeOn");
    this.detail.textContent = encrypting === false ? (mode === "unsupported" ? t("e2eeOffDetail") : "") : reasons(problems, names);
    const changed = [...states].filter(([, state]) => state === "changed").map(([id]) => names(id));
    const text = changed.length ? t("e2eeKeyChangedAlert", { names: changed.join(", ") }) : "";
    // Set only when it changes: a screen reader announces an alert each time its text is set.
    if (this.alert.textContent !== text) this.alert.textContent = text;
    this.alert.hidden = !text;
  }
}

/** Shows the safety code this person and one other participant compare, and lets them say it matched. */
export class SafetyCodeDialog {
  readonly dialog: HTMLDialogElement;
  private readonly title: HTMLElement;
  private readonly help: HTMLElement;
  private readonly code: HTMLElement;
  private readonly status: HTMLElement;
  private readonly confirm: HTMLButtonElement;
  private confirmed: (() => void) | undefined;

  constructor() {
    this.title = h("h2", { id: "safety-code-title" });
    this.help = h("p", {});
    this.code = h("p", { class: "safety-code" });
    this.status = h("p", { class: "verified-status", role: "status" });
    this.confirm = h("button", { type: "submit", class: "primary", value: "verified" });
    this.dialog = h(
      "dialog",
      { class: "safety", "aria-labelledby": "safety-code-title" },
      this.title,
      this.help,
      this.code,
      this.status,
      h("form", { method: "dialog", class: "row" }, this.confirm, h("button", { type: "submit", value: "close" }, t("close"))),
    );
    this.dialog.addEventListener("close", () => {
      if (this.dialog.returnValue === "verified") this.confirmed?.();
      this.confirmed = undefined;
    });
  }

  /** `verified`: already verified with this code; `markVerified`: the person says the digits match. */
  async open(name: string, code: Promise<string>, verified: boolean, markVerified: () => void): Promise<void> {
    this.title.textContent = t("safetyCodeTitle", { name });
    this.help.textContent = t("safetyCodeHelp", { name });
    this.status.textContent = verified ? t("verifiedStatus", { name }) : "";
    this.confirm.textContent = t("markVerified", { name });
    this.confirm.hidden = verified;
    this.confirmed = markVerified;
    this.code.textContent = "";
    this.dialog.returnValue = "";
    if (!this.dialog.open) this.dialog.showModal();
    this.code.textContent = await code;
  }
}

/** For moderators: invite links, lock, password, and ending the meeting for everyone. */
import { t } from "../i18n/index.js";
import { passphraseFromLink } from "../storage.js";
import { h } from "./dom.js";
import type { RoomState } from "../view.js";

export interface SettingsActions {
  lock(locked: boolean): void;
  setPassword(password: string | null): void;
  endMeeting(): void;
  allowMultipleShares(allowed: boolean): void;
  requireE2ee(required: boolean): void;
  /** Whether this page encrypts end to end (else the requirement is not offered). */
  encrypting(): boolean;
  moderatorLink(): string | undefined;
}

export class SettingsPanel {
  readonly element: HTMLElement;
  private readonly lockButton: HTMLButtonElement;
  private readonly passwordState: HTMLElement;
  private readonly removePassword: HTMLButtonElement;
  private readonly moderatorLinkField: HTMLInputElement;
  private locked = false;
  private multipleShares = false;
  private readonly sharesButton: HTMLButtonElement;
  private readonly e2eeButton: HTMLButtonElement;
  private e2eeRequired = false;

  constructor(private readonly actions: SettingsActions) {
    this.lockButton = h("button", { type: "button", onclick: () => actions.lock(!this.locked) }, t("lockMeeting"));
    this.passwordState = h("p", { class: "muted-text", role: "status" });
    const passwordInput = h("input", { id: "new-password", type: "password", autocomplete: "new-password", minlength: 4, maxlength: 256 });
    const passwordForm = h(
      "form",
      {
        class: "password-form",
        onsubmit: (event: Event) => {
          event.preventDefault();
          if (passwordInput.value.length >= 4) actions.setPassword(passwordInput.value);
          passwordInput.value = "";
        },
      },
      h("label", { for: "new-password" }, t("newPassword")),
      h("div", { class: "row" }, passwordInput, h("button", { type: "submit" }, t("setPassword"))),
    );
    this.removePassword = h("button", { type: "button", hidden: true, onclick: () => actions.setPassword(null) }, t("removePassword"));
    this.sharesButton = h("button", { type: "button", "aria-pressed": "false", onclick: () => actions.allowMultipleShares(!this.multipleShares) }, t("allowMultipleShares"));
    this.e2eeButton = h("button", { type: "button", "aria-pressed": "false", onclick: () => actions.requireE2ee(!this.e2eeRequired) }, t("requireE2ee"));
    // The address as it stands (the moderator key is gone from it): with an E2EE passphrase, if there is one.
    const guestLink = h("input", { id: "guest-link", readonly: true, value: location.origin + location.pathname + location.hash });
    this.moderatorLinkField = h("input", { id: "moderator-link", readonly: true });
    this.element = h(
      "section",
      { class: "settings-panel", "aria-label": t("settings") },
      h("h2", {}, t("settings")),
      h("label", { for: "guest-link" }, t("guestLink")),
      guestLink,
      h("label", { for: "moderator-link" }, t("moderatorLink")),
      this.moderatorLinkField,
      passphraseFromLink() ? h("p", { class: "muted-text" }, t("linksCarryPassphrase")) : null,
      this.lockButton,
      this.passwordState,
      passwordForm,
      this.removePassword,
      this.sharesButton,
      this.e2eeButton,
      h("button", { type: "button", class: "danger", onclick: () => actions.endMeeting() }, t("endForAll")),
    );
    this.update({ locked: false, passwordSet: false, multipleShares: false, e2eeRequired: false });
  }

  update(state: RoomState): void {
    this.e2eeRequired = state.e2eeRequired;
    this.e2eeButton.setAttribute("aria-pressed", String(state.e2eeRequired));
    this.e2eeButton.hidden = !this.actions.encrypting() && !state.e2eeRequired;
    this.locked = state.locked;
    this.multipleShares = state.multipleShares;
    this.sharesButton.setAttribute("aria-pressed", String(state.multipleShares));
    this.lockButton.textContent = t(state.locked ? "unlockMeeting" : "lockMeeting");
    this.lockButton.setAttribute("aria-pressed", String(state.locked));
    this.passwordState.textContent = [state.locked ? t("lockedNotice") : "", state.passwordSet ? t("passwordIsSet") : ""].filter(Boolean).join(" ");
    this.removePassword.hidden = !state.passwordSet;
    this.moderatorLinkField.value = this.actions.moderatorLink() ?? "";
  }
}

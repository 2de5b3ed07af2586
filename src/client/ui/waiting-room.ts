/**
 * What a guest sees while the join is not done: waiting in the lobby, asked
 * for the meeting password, or told that the meeting is locked.
 */
import type { ErrorCode } from "../../protocol/messages.js";
import { language, t, type MessageKey } from "../i18n/index.js";
import { h } from "./dom.js";
import { recordingNotice } from "./recording-view.js";

const PROBLEM_TEXT: Partial<Record<ErrorCode, MessageKey>> = {
  "password-required": "passwordNeeded",
  "wrong-password": "wrongPassword",
  "too-many-attempts": "tooManyAttempts",
  locked: "lockedMeeting",
  "e2ee-required": "e2eeRequired",
};

export class WaitingRoom {
  readonly element: HTMLElement;
  private readonly heading: HTMLElement;
  private readonly text: HTMLElement;
  private readonly form: HTMLFormElement;
  private readonly passwordInput: HTMLInputElement;
  private readonly preview: HTMLVideoElement;
  private readonly previewBox: HTMLElement;
  /** The latest note from a moderator (issue 13). */
  private readonly note: HTMLElement;
  /** A recording runs in the meeting (issue 16): told before being let in. */
  private readonly recording = recordingNotice();

  constructor(stream: MediaStream, onPassword: (password: string) => void) {
    // Waiting with one's own picture: time to check hair and background before being let in.
    const preview = h("video", { autoplay: true, playsinline: true, class: "preview mirrored", "aria-hidden": "true" });
    preview.muted = true;
    preview.srcObject = stream;
    this.preview = preview;
    this.heading = h("h2", {}, t("lobbyTitle"));
    this.text = h("p", { role: "status" });
    this.note = h("p", { class: "lobby-note-from-host", role: "status", hidden: true });
    this.passwordInput = h("input", { id: "meeting-password", type: "password", autocomplete: "off", maxlength: 256 });
    this.form = h(
      "form",
      {
        class: "password-form",
        hidden: true,
        onsubmit: (event: Event) => {
          event.preventDefault();
          if (this.passwordInput.value) onPassword(this.passwordInput.value);
        },
      },
      h("label", { for: "meeting-password" }, t("password")),
      h("div", { class: "row" }, this.passwordInput, h("button", { type: "submit", class: "primary" }, t("join"))),
    );
    this.previewBox = h("div", { class: "preview-box" }, preview);
    this.element = h(
      "section",
      { class: "waiting card", "aria-labelledby": "waiting-heading", hidden: true },
      this.heading,
      this.text,
      this.recording.element,
      this.note,
      this.form,
      this.previewBox,
      // In a new tab: leaving this page would leave the lobby.
      h("p", { class: "links" }, h("a", { href: `/privacy?lang=${language()}`, target: "_blank", rel: "noopener noreferrer" }, t("privacy"))),
    );
    this.heading.id = "waiting-heading";
  }

  /** In the lobby: waiting for a moderator (or for one to arrive). */
  waiting(hostPresent: boolean): void {
    this.show(t(hostPresent ? "lobbyWaiting" : "lobbyNoHost"), false);
  }

  /** The join was refused for a reason the person can act on. */
  problem(code: ErrorCode): void {
    const key = PROBLEM_TEXT[code];
    if (!key) return;
    const needsPassword = code === "password-required" || code === "wrong-password";
    this.show(t(key), needsPassword);
    if (needsPassword) {
      this.passwordInput.value = "";
      this.passwordInput.focus();
    }
  }

  /** A moderator's note to those waiting. */
  message(text: string): void {
    this.note.textContent = t("lobbyMessageFromHost", { text });
    this.note.hidden = false;
  }

  /** Whether a recording runs in the meeting (`meetingNotice`). */
  recordingNotice(recording: boolean): void {
    this.recording.set(recording);
  }

  hide(): void {
    this.element.hidden = true;
  }

  private show(text: string, passwordForm: boolean): void {
    this.text.textContent = text;
    this.form.hidden = !passwordForm;
    this.element.hidden = false;
    this.refreshPreview();
  }

  /** One's own picture, only while the camera is on (call after the camera changed). */
  refreshPreview(): void {
    const stream = this.preview.srcObject as MediaStream | null;
    this.previewBox.hidden = !stream?.getVideoTracks().length;
    // A video that was hidden when it got its stream does not start by itself.
    if (!this.previewBox.hidden && !this.element.hidden) void this.preview.play().catch(() => {});
  }
}

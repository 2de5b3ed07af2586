/**
 * Recording with consent on the screen (issue 16): the More entry for
 * moderators ("Record meeting" / "Stop recording"), the consent dialog each
 * participant answers, the indicator over the stage while a recording runs
 * (for everyone), the notices when it starts and stops (a live region, so
 * screen readers hear them), and the notice before joining (pre-join screen
 * and lobby). On the recording moderator's page it runs the studio
 * (../recording/studio.ts) and saves the file when the recording ends.
 */
import type { ParticipantId } from "../../protocol/messages.js";
import type { RemoteTracks } from "../rtc/subscriber.js";
import type { MeetingRecording, RecordingChange } from "../recording/meeting-recording.js";
import { RecordingStudio, canRecord } from "../recording/studio.js";
import { t } from "../i18n/index.js";
import { h } from "./dom.js";
import type { MenuItem, MoreMenu } from "./more-menu.js";
import type { Toasts } from "./toasts.js";

/** "This meeting is being recorded", before joining (pre-join screen, lobby); hidden until a recording runs. */
export function recordingNotice(): { element: HTMLElement; set(recording: boolean): void } {
  const element = h("p", { class: "recording-notice", role: "status", hidden: true }, h("span", { class: "rec-dot", "aria-hidden": "true" }), h("span", {}, t("recBeforeJoining")));
  return { element, set: (recording) => (element.hidden = !recording) };
}

export interface RecordingScreenParts {
  recording: MeetingRecording;
  toasts: Toasts;
  more: MoreMenu;
  /** The stage as this page shows it: what the recording pictures. */
  stage(): HTMLElement;
  selfId(): ParticipantId | undefined;
  /** This page's own microphone while it is on. */
  selfAudio(): MediaStreamTrack | undefined;
  /** Before joining, in the lobby: whether a recording runs (the waiting room shows it). */
  noticeBeforeJoining(recording: boolean): void;
}

export class RecordingScreen {
  /** Over the stage while a recording runs. */
  readonly indicator: HTMLElement;
  readonly dialog: HTMLDialogElement;
  /** The More entry (moderators only: the meeting screen shows and hides it with the others). */
  readonly item: MenuItem;
  private readonly label: HTMLElement;
  private readonly answer: HTMLElement;
  private readonly change: HTMLButtonElement;
  private readonly ask: HTMLElement;
  private readonly explain: HTMLElement;
  private studio: RecordingStudio | undefined;
  /** Everyone's tracks as this page receives them (meeting-view.ts hands them on). */
  private tracks = new Map<ParticipantId, RemoteTracks>();
  /** The name of the moderator recording now, as it was when the recording started. */
  private recorderName = "";

  constructor(private readonly parts: RecordingScreenParts) {
    const { recording } = parts;
    this.label = h("span", { class: "rec-label" });
    this.answer = h("span", { class: "rec-answer" });
    this.change = h("button", { type: "button", onclick: () => this.askConsent() }, t("recChangeAnswer"));
    this.indicator = h(
      "div",
      { class: "recording-indicator", role: "status", "aria-label": t("recIndicatorShort"), hidden: true },
      h("span", { class: "rec-dot", "aria-hidden": "true" }),
      this.label,
      this.answer,
      this.change,
    );
    this.ask = h("p", { id: "rec-consent-ask" });
    this.explain = h("p", { class: "muted-text" });
    this.dialog = h(
      "dialog",
      { class: "consent", "aria-labelledby": "rec-consent-title", "aria-describedby": "rec-consent-ask" },
      h("h2", { id: "rec-consent-title" }, h("span", { class: "rec-dot", "aria-hidden": "true" }), t("recConsentTitle")),
      this.ask,
      this.explain,
      h(
        "form",
        { method: "dialog", class: "row" },
        h("button", { type: "submit", class: "primary", value: "agree" }, t("recAgree")),
        h("button", { type: "submit", value: "decline" }, t("recDecline")),
      ),
    );
    // Escape or any other way out without "Agree" is a "no": not answered counts as declined anyway.
    this.dialog.addEventListener("close", () => {
      if (recording.by !== null && !recording.recording) recording.respond(this.dialog.returnValue === "agree");
      this.draw();
    });
    this.item = parts.more.add("moderation", t("recStart"), () => this.toggle());
    recording.onChange((change) => this.changed(change));
    // While this page records, closing or reloading it would lose the recording: the browser asks first.
    window.addEventListener("beforeunload", (event) => {
      if (this.studio) event.preventDefault();
    });
  }

  remoteTracks(tracks: Map<ParticipantId, RemoteTracks>): void {
    this.tracks = tracks;
  }

  private toggle(): void {
    const { recording, toasts } = this.parts;
    if (recording.by !== null) return recording.stop();
    if (!canRecord()) return toasts.show(t("recUnsupported"));
    recording.start();
  }

  private changed(change: RecordingChange): void {
    const { recording, toasts } = this.parts;
    switch (change.kind) {
      case "started":
        this.recorderName = change.name;
        if (change.mine) {
          try {
            this.studio = new RecordingStudio({
              stage: this.parts.stage,
              audio: () => this.audio(),
              agrees: (id) => recording.agrees(id),
              nameOf: (id) => recording.nameOf(id),
            });
            toasts.show(t("recStartedMine"), { key: "recording" });
          } catch (error) {
            // The browser would not record after all: nobody may see an indicator for a recording that is not made.
            console.warn("treff: cannot record", error);
            recording.stop();
            toasts.show(t("recUnsupported"), { key: "recording" });
          }
        } else {
          toasts.show(t("recStarted", { name: change.name }), { key: "recording" });
          this.askConsent();
        }
        break;
      case "stopped":
        if (this.dialog.open) this.dialog.close();
        if (change.mine && this.studio) {
          const studio = this.studio;
          this.studio = undefined;
          void studio.finish().then((file) => toasts.show(t("recSaved", { file }), { key: "recording", ms: 15_000 }));
        } else toasts.show(t("recStopped"), { key: "recording" });
        break;
      case "notice":
        this.parts.noticeBeforeJoining(change.recording);
        break;
      case "answers":
        break;
    }
    this.draw();
  }

  /** Every live microphone this page has: its own, and everyone's it receives. */
  private audio(): Map<ParticipantId, MediaStreamTrack> {
    const audio = new Map<ParticipantId, MediaStreamTrack>();
    for (const [id, tracks] of this.tracks) if (tracks.audio) audio.set(id, tracks.audio);
    const self = this.parts.selfId();
    const own = this.parts.selfAudio();
    if (self && own) audio.set(self, own);
    return audio;
  }

  private askConsent(): void {
    const { recording } = this.parts;
    if (recording.by === null || recording.recording) return;
    const name = this.recorderName;
    this.ask.textContent = t("recConsentAsk", { name });
    this.explain.textContent = t("recConsentExplain", { name });
    this.dialog.returnValue = "";
    if (!this.dialog.open) this.dialog.showModal();
  }

  private draw(): void {
    const { recording } = this.parts;
    const running = recording.by !== null;
    this.indicator.hidden = !running;
    this.item.setLabel(t(running ? "recStop" : "recStart"));
    if (!running) return;
    const mine = recording.recording;
    this.label.textContent = mine ? t("recIndicatorMine", recording.counts()) : t("recIndicatorShort");
    this.answer.textContent = mine || recording.answer === undefined ? "" : t(recording.answer ? "recYouAgreed" : "recYouDeclined");
    this.change.hidden = mine || this.dialog.open;
  }
}

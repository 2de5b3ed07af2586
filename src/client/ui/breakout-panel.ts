/**
 * The Breakout rooms side panel. Moderators (More › Moderation) set up the
 * rooms (how many, their names), who goes where (a choice per person, or at
 * random), whether people may choose and an optional time limit, open and
 * close them, go to any room, and write to all rooms. Everyone else sees the
 * rooms and, when the moderators allow it, goes to one with one click.
 */
import type { BreakoutId, ParticipantId } from "../../protocol/messages.js";
import type { BreakoutControls, BreakoutInfo } from "../view.js";
import { t } from "../i18n/index.js";
import { h } from "./dom.js";

/** A room's name as shown: the moderators' name for it, or "Room n". */
export function roomName(info: BreakoutInfo | undefined, id: BreakoutId): string {
  return info?.rooms.find((r) => r.id === id)?.name ?? t("breakoutRoomN", { n: id.slice(1) });
}

export class BreakoutPanel {
  readonly element: HTMLElement;
  private info: BreakoutInfo | undefined;
  private moderator = false;
  private selfId: ParticipantId | undefined;
  private readonly status: HTMLElement;
  private readonly setup: HTMLElement;
  private readonly countInput: HTMLInputElement;
  private readonly names: HTMLElement;
  private readonly assign: HTMLElement;
  private readonly assignList: HTMLElement;
  private readonly chooseBox: HTMLInputElement;
  private readonly durationInput: HTMLInputElement;
  private readonly openButton: HTMLButtonElement;
  private readonly closeButton: HTMLButtonElement;
  private readonly removeButton: HTMLButtonElement;
  private readonly goList: HTMLElement;
  private readonly broadcastForm: HTMLFormElement;
  private readonly sealedNote: HTMLElement;

  constructor(private readonly controls: BreakoutControls) {
    this.status = h("p", { class: "muted-text", role: "status" });
    this.countInput = h("input", { id: "breakout-count", type: "number", min: 1, max: 50, value: 2, inputmode: "numeric" });
    const createForm = h(
      "form",
      {
        class: "row",
        onsubmit: (event: Event) => {
          event.preventDefault();
          const count = Math.max(1, Math.min(50, Math.round(Number(this.countInput.value) || 1)));
          void controls.create(Array.from({ length: count }, (_, i) => this.nameField(i)?.value ?? ""));
        },
      },
      this.countInput,
      h("button", { type: "submit" }, t("breakoutCreate")),
    );
    this.names = h("div", { class: "breakout-names" });
    this.sealedNote = h("p", { class: "muted-text" }, t("breakoutNamesSealed"));
    this.setup = h("div", { class: "breakout-setup" }, h("label", { for: "breakout-count" }, t("breakoutCount")), createForm, this.names, this.sealedNote);
    this.assignList = h("div", { class: "breakout-assign" });
    this.assign = h(
      "div",
      {},
      h("h3", {}, t("breakoutAssignTitle")),
      h("button", { type: "button", onclick: () => controls.assignRandom() }, t("breakoutRandom")),
      this.assignList,
    );
    this.chooseBox = h("input", { id: "breakout-choose", type: "checkbox", onchange: () => this.sendSettings() });
    this.durationInput = h("input", { id: "breakout-duration", type: "number", min: 1, max: 480, inputmode: "numeric", onchange: () => this.sendSettings() });
    this.openButton = h("button", { type: "button", class: "primary", onclick: () => controls.open() }, t("breakoutOpen"));
    this.closeButton = h("button", { type: "button", class: "danger", onclick: () => controls.close() }, t("breakoutCloseAll"));
    this.removeButton = h("button", { type: "button", onclick: () => void controls.create([]) }, t("breakoutRemove"));
    this.goList = h("div", { class: "breakout-go" });
    const text = h("textarea", { id: "breakout-broadcast", rows: 2, maxlength: 500 });
    this.broadcastForm = h(
      "form",
      {
        onsubmit: (event: Event) => {
          event.preventDefault();
          void controls.broadcast(text.value);
          text.value = "";
        },
      },
      h("label", { for: "breakout-broadcast" }, t("breakoutBroadcastLabel")),
      text,
      h("button", { type: "submit" }, t("breakoutBroadcastSend")),
    );
    this.element = h(
      "section",
      { class: "breakout-panel", "aria-label": t("breakoutRooms") },
      h("h2", {}, t("breakoutRooms")),
      this.status,
      this.setup,
      this.assign,
      h("div", { class: "checkbox-row" }, this.chooseBox, h("label", { for: "breakout-choose" }, t("breakoutAllowChoose"))),
      h("label", { for: "breakout-duration" }, t("breakoutDuration")),
      this.durationInput,
      this.openButton,
      this.closeButton,
      this.goList,
      this.broadcastForm,
      this.removeButton,
    );
    this.render();
  }

  update(info: BreakoutInfo | undefined, selfId: ParticipantId | undefined, moderator: boolean): void {
    this.info = info;
    this.selfId = selfId;
    this.moderator = moderator;
    this.render();
  }

  private nameField(index: number): HTMLInputElement | null {
    return this.names.querySelector<HTMLInputElement>(`#breakout-name-${index + 1}`);
  }

  private sendSettings(): void {
    const minutes = Math.round(Number(this.durationInput.value));
    this.controls.settings(this.chooseBox.checked, minutes >= 1 ? Math.min(480, minutes) : null);
  }

  private render(): void {
    const info = this.info;
    const phase = info?.phase;
    const planning = !info || phase === "planning";
    const mod = this.moderator;
    this.status.textContent = !info
      ? ""
      : phase === "planning"
        ? t("breakoutStatusPlanning", { count: info.rooms.length })
        : t(phase === "open" ? "breakoutStatusOpen" : "breakoutStatusClosing");
    for (const element of [this.setup, this.chooseBox.parentElement!, this.durationInput, this.durationInput.previousElementSibling as HTMLElement]) {
      element.hidden = !mod || !planning;
    }
    this.assign.hidden = !mod || !info;
    this.openButton.hidden = !mod || !info || !planning;
    this.closeButton.hidden = !mod || phase !== "open";
    this.removeButton.hidden = !mod || !info || !planning;
    this.broadcastForm.hidden = !mod || !info || planning;
    this.sealedNote.hidden = !mod;
    if (info) {
      this.chooseBox.checked = info.allowChoose;
      if (document.activeElement !== this.durationInput) this.durationInput.value = info.durationMinutes ? String(info.durationMinutes) : "";
    }
    this.renderNames();
    this.keepFocus(this.assignList, () => this.renderAssignments());
    this.keepFocus(this.goList, () => this.renderGo());
  }

  /** One name field per room while planning; a change sends all names again (sealed). */
  private renderNames(): void {
    const rooms = this.info?.rooms ?? [];
    if (this.names.childElementCount === rooms.length * 2 && rooms.every((_, i) => this.nameField(i))) {
      rooms.forEach((room, i) => {
        const field = this.nameField(i)!;
        if (document.activeElement !== field) field.value = room.name ?? "";
      });
      return;
    }
    this.names.replaceChildren(
      ...rooms.flatMap((room, i) => [
        h("label", { for: `breakout-name-${i + 1}` }, t("breakoutNameOf", { n: i + 1 })),
        h("input", {
          id: `breakout-name-${i + 1}`,
          maxlength: 64,
          value: room.name ?? "",
          placeholder: t("breakoutRoomN", { n: i + 1 }),
          onchange: () => void this.controls.rename(rooms.map((_, j) => this.nameField(j)?.value ?? "")),
        }),
      ]),
    );
  }

  /** A choice of room per person (the moderators themselves visit with the buttons below instead). */
  private renderAssignments(): void {
    const info = this.info;
    if (!info || !this.moderator) return this.assignList.replaceChildren();
    const people = info.everyone.filter((p) => p.id !== this.selfId && p.role !== "moderator");
    this.assignList.replaceChildren(
      ...people.map((p) => {
        const id = `breakout-assign-${p.id}`;
        const select = h(
          "select",
          { id, "aria-label": t("breakoutAssignOf", { name: p.name }), onchange: () => this.controls.assign({ [p.id]: select.value ? (select.value as BreakoutId) : null }) },
          h("option", { value: "" }, t("breakoutMainRoom")),
          ...info.rooms.map((room) => h("option", { value: room.id }, roomName(info, room.id))),
        );
        select.value = info.assignments[p.id] ?? "";
        return h("div", { class: "row" }, h("span", { class: "breakout-person" }, p.name), select);
      }),
    );
  }

  /** Going to a room: moderators always (a visit), others while choosing is allowed. */
  private renderGo(): void {
    const info = this.info;
    const canGo = !!info && info.phase === "open" && (this.moderator || info.allowChoose);
    if (!canGo) return this.goList.replaceChildren();
    const buttons = info.rooms
      .filter((room) => room.id !== info.here)
      .map((room) => h("button", { type: "button", onclick: () => this.controls.choose(room.id) }, t("breakoutJoinRoom", { room: roomName(info, room.id) })));
    if (info.here !== null) buttons.push(h("button", { type: "button", onclick: () => this.controls.choose(null) }, t("breakoutReturn")));
    this.goList.replaceChildren(...buttons);
  }

  /** Redraws a part and puts the focus back on the control with the same id. */
  private keepFocus(part: HTMLElement, draw: () => void): void {
    const focused = part.contains(document.activeElement) ? document.activeElement?.id || document.activeElement?.textContent : undefined;
    draw();
    if (!focused) return;
    const again = [...part.querySelectorAll<HTMLElement>("select, button")].find((e) => e.id === focused || e.textContent === focused);
    again?.focus();
  }
}

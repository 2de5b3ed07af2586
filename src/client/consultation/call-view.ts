/**
 * The consultation's call screen: the other side's video large (or their shared screen, with
 * their camera small beside it), one's own picture small, the meetings' encryption line with
 * "Verify …" for the safety code, and the meeting screen's basic controls (microphone, camera,
 * screen sharing where the browser can share, chat, for staff "Add a person", end call). Microphone and camera switch their
 * tracks off and on (no renegotiation); chat goes over the data channel.
 */
import { t } from "../i18n/index.js";
import { controlButton } from "../ui/controls.js";
import { h } from "../ui/dom.js";
import { EncryptionBadge, SafetyCodeDialog } from "../ui/encryption.js";
import type { CallEncryption } from "./call-encryption.js";

export interface CallActions {
  /** Sends a chat message; false if the connection is not open (yet). */
  sendChat(text: string): Promise<boolean>;
  hangUp(): void;
  /** Starts or stops sharing a screen, resolving to whether one is shared now; undefined where the browser cannot share. */
  toggleScreen: (() => Promise<boolean>) | undefined;
  /** The call's encryption, once the call is set up. */
  encryption(): CallEncryption | undefined;
  /** Staff: asks the server for a link for a third person (answered by `showInvitation`); undefined for the patient. */
  invite: (() => void) | undefined;
}

export interface CallView {
  element: HTMLElement;
  showRemote(camera: MediaStream, screen: MediaStream): void;
  showChat(text: string, mine: boolean): void;
  /** The other side started or stopped sharing; `mine`: we stopped (the browser's own "stop sharing"). */
  screenShared(sharing: boolean): void;
  myScreenEnded(): void;
  /** The call's encryption changed (keys arrived, the other side was verified). */
  encryptionChanged(): void;
  /** The link for a third person, and until when it works. */
  showInvitation(link: string, expiresAt: number): void;
  /** Mutes the other side (while this screen waits behind a room with a third person) or not. */
  silent(on: boolean): void;
  /** Something went wrong that the person should know (shown for a while above the picture). */
  problem(text: string): void;
}

export function callView(local: MediaStream, otherName: string, actions: CallActions): CallView {
  const remote = h("video", { autoplay: true, playsinline: true, class: "consult-remote", "aria-label": t("cRemoteVideo") });
  const remoteScreen = h("video", { autoplay: true, playsinline: true, muted: true, class: "consult-screen", "aria-label": t("cRemoteScreen"), hidden: true });
  const self = h("video", { autoplay: true, playsinline: true, class: "consult-self mirrored", "aria-label": t("cSelfVideo") });
  self.muted = true;
  self.srcObject = local;
  const status = h("p", { class: "consult-status", role: "status" }, t("cConnectingPeer"));
  const sharingNote = h("p", { class: "consult-sharing", role: "status", hidden: true }, t("cYouShare"));
  const problem = h("p", { class: "consult-problem", role: "alert", hidden: true });
  let problemTimer: number | undefined;

  // End-to-end encryption: the meetings' status line and safety-code dialog, for one other person.
  const badge = new EncryptionBadge();
  const dialog = new SafetyCodeDialog();
  const verify = h("button", { type: "button", class: "consult-verify", hidden: true }, t("verify", { name: otherName }));
  verify.onclick = () => {
    const keys = actions.encryption();
    const code = keys?.safetyCode();
    if (keys && code) void dialog.open(otherName, code, keys.isVerified(), () => keys.markVerified());
  };
  const encryptionChanged = () => {
    const keys = actions.encryption();
    const mode = keys?.mode();
    // "off": this browser could encrypt but the other cannot; shown as in a meeting with such a
    // person, with the reason ("Not end-to-end encrypted for everyone · Frau M.: not end-to-end encrypted").
    badge.update(mode === "off" ? "encrypting" : mode, mode === undefined ? new Map() : new Map([["other", keys!.peerState()]]), () => otherName);
    verify.hidden = mode !== "encrypting";
    // A room with a third person admits only browsers that encrypt end to end: offered only when this call does.
    if (invite) invite.element.hidden = mode !== "encrypting";
    verify.textContent = keys?.isVerified() ? t("cVerified", { name: otherName }) : t("verify", { name: otherName });
  };

  const trackToggle = (kind: "audio" | "video", onKey: "micOn" | "camOn", offKey: "micOff" | "camOff", label: "microphone" | "camera") => {
    const button = controlButton(kind === "audio" ? "mic" : "cam", () => {
      const tracks = kind === "audio" ? local.getAudioTracks() : local.getVideoTracks();
      for (const track of tracks) track.enabled = !track.enabled;
      draw();
    });
    const draw = () => {
      const on = (kind === "audio" ? local.getAudioTracks() : local.getVideoTracks()).some((track) => track.enabled);
      button.show(kind === "audio" ? (on ? "mic" : "micOff") : on ? "cam" : "camOff", t(label), t(on ? onKey : offKey));
      button.element.classList.toggle("off", !on);
    };
    draw();
    return button.element;
  };

  // Screen sharing, where the browser can (not on phones): the same button starts and stops it.
  const share = actions.toggleScreen ? controlButton("share", () => void actions.toggleScreen!().then(drawShare)) : undefined;
  const drawShare = (sharing: boolean) => {
    share?.show("screen", t(sharing ? "stopShareLabel" : "shareLabel"), t(sharing ? "stopSharing" : "shareScreen"));
    share?.element.setAttribute("aria-pressed", String(sharing));
    sharingNote.hidden = !sharing;
  };
  drawShare(false);

  const messages = h("ol", { class: "consult-messages", "aria-live": "polite" });
  const input = h("input", { id: "consult-chat-input", autocomplete: "off", maxlength: 2000 });
  const chatPanel = h(
    "section",
    { class: "consult-chat", "aria-label": t("cChat"), hidden: true },
    messages,
    h(
      "form",
      {
        class: "row",
        onsubmit: async (event: Event) => {
          event.preventDefault();
          const text = input.value.trim();
          if (text && (await actions.sendChat(text))) {
            view.showChat(text, true);
            input.value = "";
          }
        },
      },
      h("label", { for: "consult-chat-input", class: "visually-hidden" }, t("cChatMessage")),
      input,
      h("button", { type: "submit" }, t("cSend")),
    ),
  );
  const chatButton = controlButton("chat", () => {
    chatPanel.hidden = !chatPanel.hidden;
    chatButton.count(0);
    if (!chatPanel.hidden) input.focus();
  });
  chatButton.show("chat", t("cChat"), t("cChat"));
  // A third person (staff only): the link to send, in a panel like the chat's.
  const inviteLink = h("input", { id: "consult-invite-link", readonly: true });
  const inviteUntil = h("p", { class: "consult-invite-until" });
  const invitePanel = h(
    "section",
    { class: "consult-chat consult-invite", "aria-label": t("cInviteTitle"), hidden: true },
    h("p", {}, t("cInviteHint")),
    h("label", { for: "consult-invite-link" }, t("cInviteLink")),
    h("div", { class: "row" }, inviteLink, h("button", { type: "button", onclick: () => void navigator.clipboard?.writeText(inviteLink.value).catch(() => inviteLink.select()) }, t("cCopyLink"))),
    inviteUntil,
  );
  const invite = actions.invite
    ? controlButton("invite", () => {
        invitePanel.hidden = !invitePanel.hidden;
        if (!invitePanel.hidden) actions.invite!();
      })
    : undefined;
  invite?.show("people", t("cInvite"), t("cInvite"));
  const leave = controlButton("leave", actions.hangUp);
  leave.show("leave", t("cLeaveCall"), t("cLeaveCall"));

  const stage = h("div", { class: "consult-stage" }, remoteScreen, remote, self, status, h("div", { class: "consult-security" }, badge.element, verify), badge.alert, sharingNote, problem, chatPanel, invitePanel);
  const element = h(
    "main",
    { class: "consult-call" },
    stage,
    h(
      "nav",
      { class: "consult-bar", "aria-label": t("cTitle") },
      trackToggle("audio", "micOn", "micOff", "microphone"),
      trackToggle("video", "camOn", "camOff", "camera"),
      share?.element ?? null,
      chatButton.element,
      invite?.element ?? null,
      leave.element,
    ),
    dialog.dialog,
  );
  encryptionChanged();
  const view: CallView = {
    element,
    showRemote(camera, screen) {
      remote.srcObject = camera;
      remoteScreen.srcObject = screen;
      status.hidden = true;
      void remote.play().catch(() => {});
    },
    showChat(text, mine) {
      messages.append(h("li", { class: mine ? "mine" : "theirs" }, h("strong", {}, `${t(mine ? "cMe" : "cThem")}: `), text));
      if (!mine && chatPanel.hidden) chatButton.count(1);
    },
    screenShared(sharing) {
      remoteScreen.hidden = !sharing;
      stage.classList.toggle("screen-shared", sharing);
      if (sharing) void remoteScreen.play().catch(() => {});
    },
    myScreenEnded: () => drawShare(false),
    encryptionChanged,
    silent(on) {
      remote.muted = on;
    },
    problem(text) {
      problem.textContent = text;
      problem.hidden = false;
      window.clearTimeout(problemTimer);
      problemTimer = window.setTimeout(() => (problem.hidden = true), 20_000);
    },
    showInvitation(link, expiresAt) {
      inviteLink.value = link;
      inviteUntil.textContent = t("cInviteUntil", { time: new Date(expiresAt).toLocaleTimeString(document.documentElement.lang, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }) });
      invitePanel.hidden = false;
      inviteLink.select();
    },
  };
  return view;
}

/**
 * The consultation's call screen: the other side's video large, one's own picture small, and
 * the meeting screen's basic controls (microphone, camera, chat, end call). Microphone and
 * camera switch their tracks off and on (no renegotiation); chat goes over the data channel.
 */
import { t } from "../i18n/index.js";
import { controlButton } from "../ui/controls.js";
import { h } from "../ui/dom.js";
import type { DirectCall } from "./direct-call.js";

export interface CallView {
  element: HTMLElement;
  showRemote(stream: MediaStream): void;
  showChat(text: string, mine: boolean): void;
}

export function callView(local: MediaStream, call: () => DirectCall | undefined, hangUp: () => void): CallView {
  const remote = h("video", { autoplay: true, playsinline: true, class: "consult-remote", "aria-label": t("cRemoteVideo") });
  const self = h("video", { autoplay: true, playsinline: true, class: "consult-self mirrored", "aria-label": t("cSelfVideo") });
  self.muted = true;
  self.srcObject = local;
  const status = h("p", { class: "consult-status", role: "status" }, t("cConnectingPeer"));

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
        onsubmit: (event: Event) => {
          event.preventDefault();
          const text = input.value.trim();
          if (text && call()?.sendChat(text)) {
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
  const leave = controlButton("leave", hangUp);
  leave.show("leave", t("cLeaveCall"), t("cLeaveCall"));

  const element = h(
    "main",
    { class: "consult-call" },
    h("div", { class: "consult-stage" }, remote, self, status),
    chatPanel,
    h(
      "nav",
      { class: "consult-bar", "aria-label": t("cTitle") },
      trackToggle("audio", "micOn", "micOff", "microphone"),
      trackToggle("video", "camOn", "camOff", "camera"),
      chatButton.element,
      leave.element,
    ),
  );
  const view: CallView = {
    element,
    showRemote(stream) {
      remote.srcObject = stream;
      status.hidden = true;
      void remote.play().catch(() => {});
    },
    showChat(text, mine) {
      messages.append(h("li", { class: mine ? "mine" : "theirs" }, h("strong", {}, `${t(mine ? "cMe" : "cThem")}: `), text));
      if (!mine && chatPanel.hidden) chatButton.count(1);
    },
  };
  return view;
}

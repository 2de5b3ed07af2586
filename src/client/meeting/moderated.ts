/**
 * What this page does when a moderator acts on this person (`moderated`) or
 * the meeting starts newcomers muted (`joined.startWith`): a mute, camera
 * off or stopped screen share is done here too, so the person sees it on
 * their own controls (the server already holds them to it); a request to
 * unmute is only shown, and the person decides.
 */
import type { ServerMessageOf } from "../../protocol/messages.js";
import type { LocalMedia } from "../media.js";
import type { MeetingView } from "../view.js";

export interface Obeying {
  media: LocalMedia;
  /** Tells the publisher and everyone else about the changed microphone or camera. */
  mediaChanged(): Promise<void>;
  stopScreenShare(): void;
  view: MeetingView | undefined;
}

export async function obeyModerator(action: ServerMessageOf<"moderated">["action"], page: Obeying): Promise<void> {
  if (action === "ask-unmute") return page.view?.moderatorNotice("ask-unmute");
  if (action === "stop-screen") {
    page.stopScreenShare();
    return page.view?.moderatorNotice("stop-screen");
  }
  if (action === "mute-audio") await page.media.setAudio(false);
  else await page.media.setVideo(false);
  await page.mediaChanged();
  page.view?.controlsChanged();
}

/** Switches off what the meeting lets a newcomer not start with (the server drops it until they switch it on). */
export async function startAsAsked(startWith: { audio: boolean; video: boolean }, page: Obeying): Promise<void> {
  const audioOff = !startWith.audio && page.media.audioOn;
  const videoOff = !startWith.video && page.media.videoOn;
  if (!audioOff && !videoOff) return;
  if (audioOff) await page.media.setAudio(false);
  if (videoOff) await page.media.setVideo(false);
  await page.mediaChanged();
  page.view?.moderatorNotice("start-muted");
}

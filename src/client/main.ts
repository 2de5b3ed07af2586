/** The browser client's entry: picks the screen from the address. */
import { ROOM_NAME_PATTERN } from "../protocol/constants.js";
import type { RoomName } from "../protocol/messages.js";
import { purgeIdentitiesOnSchedule } from "./e2ee/kept-identity.js";
import { language } from "./i18n/index.js";
import { LocalMedia } from "./media.js";
import { Meeting } from "./meeting/meeting.js";
import { forgetExpiredModeratorKeys, rememberDeviceChoice, rememberedDeviceChoice, rememberedNoiseSuppression, rememberedVideoEffect, savedSession, type DeviceKind } from "./storage.js";
import { NO_EFFECT, parseEffectId } from "./effects/video-effect.js";
import { homeScreen } from "./ui/home.js";
import { prejoinScreen } from "./ui/prejoin.js";
import { MeetingScreen } from "./ui/meeting-view.js";
import { leftScreen } from "./ui/left.js";

const app = document.getElementById("app")!;

// Identity keys that tabs closed without leaving kept are deleted a day later, whichever Treff page is open.
purgeIdentitiesOnSchedule();

function show(screen: HTMLElement): void {
  document.documentElement.lang = language();
  app.replaceChildren(screen);
}

async function enterRoom(room: RoomName): Promise<void> {
  const media = new LocalMedia();
  const meeting = new Meeting(room, media);
  meeting.connect();
  // No camera or microphone opens before the person chooses: each starts as they last chose on
  // this device, else off (the server's default, mediaOffByDefault) — and off if the server
  // does not answer within a second, since only it can say the operator wants them on.
  const welcome = await Promise.race([meeting.welcome, new Promise<undefined>((r) => setTimeout(r, 1_000))]);
  const onByDefault = welcome?.mediaOffByDefault === false;
  media.audioOn = rememberedDeviceChoice("audio") ?? onByDefault;
  media.videoOn = rememberedDeviceChoice("video") ?? onByDefault;
  // The background effect last chosen on this device applies from the first frame the camera takes.
  media.videoEffect = media.effects ? parseEffectId(rememberedVideoEffect()) : NO_EFFECT;
  // Noise suppression is on unless the person switched it off on this device (and this device can afford it).
  media.noiseSuppression = rememberedNoiseSuppression() ?? true;
  await media.open();
  meeting.prepare();
  const saved = savedSession(room);
  const join = (name: string) => {
    const afterChange = () => {
      screen.syncControls();
      void meeting.mediaChanged();
    };
    const screen = new MeetingScreen(media, meeting, {
      toggleAudio: () => void toggleDevice(media, "audio").then(afterChange),
      toggleVideo: () => void toggleDevice(media, "video").then(afterChange),
      leave: () => {
        meeting.leave();
        media.stop();
        show(leftScreen("leftTitle", () => location.reload()));
      },
      farewell: (reason) => {
        media.stop();
        const title = reason === "refused" ? "farewellRefused" : reason === "removed" ? "farewellRemoved" : "farewellEnded";
        show(leftScreen(title, reason === "ended" ? undefined : () => location.reload()));
      },
    });
    // Join first, draw second: the join and the prepared offer leave before any layout work.
    meeting.join(name, screen);
    show(screen.element);
    window.addEventListener("resize", () => screen.relayout());
  };
  // A reload in the meeting comes straight back in, as the same participant.
  if (saved?.resumeToken) return join(saved.name);
  // Told before joining whether a recording runs here (issue 16).
  const watchRecording = (notice: (recording: boolean) => void) => {
    notice(meeting.recording.runsBeforeJoining);
    meeting.recording.onChange((change) => change.kind === "notice" && notice(change.recording));
  };
  meeting.recording.ask(room);
  const draw = () => show(prejoinScreen(media, { join, toggle: (kind) => toggleDevice(media, kind), redraw: draw, watchRecording }));
  draw();
}

/** The person switches the microphone or camera: done, and remembered for the next meeting on this device. */
function toggleDevice(media: LocalMedia, kind: DeviceKind): Promise<void> {
  const on = !(kind === "audio" ? media.audioOn : media.videoOn);
  rememberDeviceChoice(kind, on);
  return kind === "audio" ? media.setAudio(on) : media.setVideo(on);
}

// Whatever page opens, moderator keys past their expiry leave this device.
forgetExpiredModeratorKeys();
const match = /^\/r\/([^/]+)\/?$/.exec(location.pathname);
const room = match ? decodeURIComponent(match[1]!) : "";
if (ROOM_NAME_PATTERN.test(room)) void enterRoom(room);
else if (/^\/check\/?$/.test(location.pathname)) void import("./ui/check.js").then((check) => check.checkPage(show));
else {
  const draw = () => show(homeScreen(draw));
  draw();
}

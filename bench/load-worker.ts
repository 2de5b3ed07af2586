/**
 * A process of synthetic participants for bench:load (load.ts forks one per
 * core): werift costs about as much per packet as Janus, so one Node
 * process would be the bottleneck long before the server. The parent sends
 * requests over the IPC channel; each gets one reply with the same id.
 *
 * Each participant asks for what Treff's browser client in a 1280×720
 * window would: everyone's audio, and the video of the tiles on the first
 * page at the layer their size needs (the client's own layout functions).
 */
import { SIGNALING_PATH, type ParticipantId, type VideoQuality } from "../src/protocol/messages.js";
import { layersFor, planGrid } from "../src/client/ui/layout.js";
import { loadOpusClip } from "./opus-clip.js";
import { SyntheticParticipant } from "./synthetic-participant.js";
import type { SyntheticMedia } from "./synthetic-publisher.js";
import { loadClips } from "./vp8-clip.js";

export type WorkerRequest =
  /** `audio[i]`: whether names[i] sends audio (a microphone that is off sends nothing). */
  | { id: number; op: "join"; baseUrl: string; room: string; names: string[]; audio: boolean[] }
  | { id: number; op: "receive"; room: string; order: ParticipantId[] }
  | { id: number; op: "counts" }
  | { id: number; op: "close" };

export interface WorkerCounts {
  participants: number;
  /** RTP packets the publishers sent (to Janus). */
  sent: number;
  /** RTP packets and bytes the subscribers received (from Janus), and how many the sequence numbers say were sent. */
  received: number;
  bytes: number;
  expected: number;
  keyframeRequests: number;
  nacks: number;
}

export type WorkerReply = { id: number; ok: true; ids?: ParticipantId[]; counts?: WorkerCounts } | { id: number; ok: false; error: string };

/** The meeting screen's grid in a 1280×720 window: the window less the control bar and padding. */
const GRID = { width: 1264, height: 640, gap: 8 };

/**
 * What the browser client would subscribe to as `self` in a meeting whose
 * participants arrived in `order`: everyone's audio; video for the tiles on
 * the first page (others first when there are several pages, as the client
 * orders them), each at the layer layersFor gives its width; "off" for the rest.
 */
export function browserLikeWishes(self: ParticipantId, order: readonly ParticipantId[]): { participants: ParticipantId[]; video: Record<ParticipantId, VideoQuality> } {
  const others = order.filter((id) => id !== self);
  const plan = planGrid(others.length + 1, GRID.width, GRID.height, GRID.gap);
  const pages = Math.ceil((others.length + 1) / plan.pageSize);
  const visible = pages > 1 ? others.slice(0, plan.pageSize) : others;
  const layers = layersFor(new Map(visible.map((id) => [id, plan.tileWidth])));
  return { participants: others, video: Object.fromEntries(others.map((id) => [id, layers.get(id) ?? "off"])) };
}

const rooms = new Map<string, SyntheticParticipant[]>();
let media: { clips: SyntheticMedia["clips"]; audio: SyntheticMedia["audio"] } | undefined;

async function handle(request: WorkerRequest): Promise<{ ids?: ParticipantId[]; counts?: WorkerCounts }> {
  switch (request.op) {
    case "join": {
      media ??= { clips: loadClips(), audio: loadOpusClip() };
      const signalingUrl = `${request.baseUrl.replace(/^http/, "ws")}${SIGNALING_PATH}`;
      const { clips, audio } = media;
      const joined = await Promise.allSettled(
        request.names.map((name, i) => SyntheticParticipant.join(signalingUrl, request.room, name, { clips, ...(request.audio[i] ? { audio } : {}) }, { receive: true })),
      );
      const participants = joined.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
      rooms.set(request.room, [...(rooms.get(request.room) ?? []), ...participants]);
      const failed = joined.find((r): r is PromiseRejectedResult => r.status === "rejected");
      if (failed) throw failed.reason;
      return { ids: participants.map((p) => p.id) };
    }
    case "receive": {
      const participants = rooms.get(request.room) ?? [];
      await Promise.all(
        participants.map((p) => {
          const wishes = browserLikeWishes(p.id, request.order);
          return withTimeout(p.receive(wishes.participants, wishes.video), 45_000, `${p.name} to receive`);
        }),
      );
      return {};
    }
    case "counts":
      return { counts: counts() };
    case "close": {
      const all = [...rooms.values()].flat();
      rooms.clear();
      await Promise.all(all.map((p) => p.close().catch(() => {})));
      return {};
    }
  }
}

function counts(): WorkerCounts {
  const all = [...rooms.values()].flat();
  const total: WorkerCounts = { participants: all.length, sent: 0, received: 0, bytes: 0, expected: 0, keyframeRequests: 0, nacks: 0 };
  for (const p of all) {
    const received = p.subscriber?.counts();
    total.sent += p.publisher.packetsSent;
    total.received += received?.packets ?? 0;
    total.bytes += received?.bytes ?? 0;
    total.expected += received?.expected ?? 0;
    total.keyframeRequests += p.publisher.feedback.pli + p.publisher.feedback.fir;
    total.nacks += p.publisher.feedback.nack;
  }
  return total;
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

if (process.send) {
  process.on("message", (request: WorkerRequest) => {
    handle(request).then(
      (result) => process.send!({ id: request.id, ok: true, ...result } satisfies WorkerReply),
      (error: Error) => process.send!({ id: request.id, ok: false, error: error.message } satisfies WorkerReply),
    );
  });
  process.on("disconnect", () => process.exit(0));
  // Also when the parent died without a word: a worker left behind would keep sending media.
  setInterval(() => process.connected || process.exit(0), 1_000).unref();
}

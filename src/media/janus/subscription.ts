/**
 * One participant's multistream subscription in Janus: a subscriber handle
 * whose streams follow what the participant wants to receive, stream by
 * stream, each simulcast video at the layer its tile needs.
 *
 * Changes run one at a time. Janus itself postpones a renegotiation while
 * another is under way and sends the offer later as an event, so every
 * offer — answer to a request or unsolicited — goes out through `onOffer`.
 */
import type { FeedId, StreamWish, Substream, SubscriptionStream } from "../media-plane.js";
import { OutOfOrderError } from "../media-plane.js";
import { JanusError, type JanusHandle, type JanusSession, type Jsep } from "./client.js";

const PLUGIN = "janus.plugin.videoroom";
/** VideoRoom error code for a feed that does not exist (left, or not publishing yet). */
const NO_SUCH_FEED = 428;

interface JanusStream {
  mid: string;
  type: string;
  feed_id?: number;
  feed_mid?: string;
  active?: boolean;
}

type LiveStream = JanusStream & { feed_id: number; feed_mid: string; type: "audio" | "video" };

const keyOf = (feed: FeedId, mid: string) => `${feed}/${mid}`;

export class JanusSubscription {
  private handle: JanusHandle | undefined;
  /** The handle has joined the room (Janus needs `join` first, `update` after). */
  private joined = false;
  /** What Janus carries now: publisher stream (feed/mid) → the subscriber's own mid. */
  private carried = new Map<string, string>();
  /** The layer last asked of Janus, per publisher stream (feed/mid). */
  private layers = new Map<string, Substream>();
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly session: JanusSession,
    private readonly roomId: number,
    private readonly onOffer: (sdp: string, streams: SubscriptionStream[]) => void,
  ) {}

  /** Makes the subscription carry exactly `wishes`; resolves when Janus has it (the offer may follow). */
  update(wishes: readonly StreamWish[]): Promise<void> {
    const run = this.queue.then(() => this.apply([...wishes], 3));
    this.queue = run.catch(() => {});
    return run;
  }

  async answer(sdp: string): Promise<void> {
    if (!this.handle) throw new OutOfOrderError("there is no subscriber offer to answer");
    await this.handle.message({ request: "start" }, { type: "answer", sdp });
  }

  async trickle(candidate: Record<string, unknown> | null): Promise<void> {
    await this.handle?.trickle(candidate); // none: a late candidate for a subscription that is gone
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.handle?.detach();
  }

  private async apply(wishes: StreamWish[], retries: number): Promise<void> {
    if (this.closed) return;
    const wanted = new Map(wishes.map((w) => [keyOf(w.feed, w.mid), w]));
    const add = [...wanted.values()].filter((w) => !this.carried.has(keyOf(w.feed, w.mid)));
    const remove = [...this.carried.keys()].filter((key) => !wanted.has(key));
    try {
      if (add.length > 0 || remove.length > 0) await this.change(add, remove);
      await this.chooseLayers(wishes);
    } catch (error) {
      // A feed left (or has not finished connecting) between the client's request and ours:
      // drop it and try the rest again.
      const missing = error instanceof JanusError && error.code === NO_SUCH_FEED ? feedInError(error.message) : undefined;
      if (missing === undefined || retries === 0) throw error;
      await this.apply(
        wishes.filter((w) => w.feed !== missing),
        retries - 1,
      );
    }
  }

  private async change(add: StreamWish[], remove: string[]): Promise<void> {
    // New streams carry their layer from the start: a later switch would wait for another keyframe.
    const streams = (list: StreamWish[]) =>
      list.map((w) => ({ feed: w.feed, mid: w.mid, ...(w.substream !== undefined ? { substream: w.substream } : {}) }));
    if (!this.joined) {
      if (add.length === 0) return;
      if (!this.handle) {
        this.handle = await this.session.attach(PLUGIN);
        this.handle.on("event", (data, jsep) => this.onEvent(data, jsep));
      }
      const reply = await this.handle.message({ request: "join", ptype: "subscriber", room: this.roomId, streams: streams(add) });
      this.joined = true;
      this.expect(add, []);
      this.onEvent(reply.data, reply.jsep);
      return;
    }
    const unsubscribe = remove.map((key) => {
      const [feed, mid] = key.split("/") as [string, string];
      return { feed: Number(feed), mid };
    });
    const reply = await this.handle!.message({
      request: "update",
      ...(add.length ? { subscribe: streams(add) } : {}),
      ...(unsubscribe.length ? { unsubscribe } : {}),
    });
    this.expect(add, remove);
    this.onEvent(reply.data, reply.jsep);
  }

  /**
   * Janus may postpone a change (an empty "updating" event) and list the streams only with
   * its later offer: count the change as done now, so the next update does not ask again
   * (Janus would add the same stream twice). The subscriber mid is learnt from the streams list.
   */
  private expect(added: StreamWish[], removed: string[]): void {
    for (const w of added) {
      const key = keyOf(w.feed, w.mid);
      if (!this.carried.has(key)) this.carried.set(key, "");
      if (w.substream !== undefined) this.layers.set(key, w.substream);
    }
    for (const key of removed) {
      this.carried.delete(key);
      this.layers.delete(key);
    }
  }

  /** Asks Janus for the wanted simulcast layer of each video that has one. */
  private async chooseLayers(wishes: StreamWish[]): Promise<void> {
    const changes = wishes.flatMap((w) => {
      const key = keyOf(w.feed, w.mid);
      const mid = this.carried.get(key);
      return mid && w.substream !== undefined && this.layers.get(key) !== w.substream ? [{ key, mid, substream: w.substream }] : [];
    });
    if (changes.length === 0 || !this.handle) return;
    await this.handle.message({ request: "configure", streams: changes.map(({ mid, substream }) => ({ mid, substream })) });
    for (const { key, substream } of changes) this.layers.set(key, substream);
  }

  private onEvent(data: Record<string, unknown>, jsep: Jsep | undefined): void {
    const streams = Array.isArray(data.streams) ? (data.streams as JanusStream[]).filter(isLive) : undefined;
    if (streams) {
      this.carried = new Map(streams.map((s) => [keyOf(s.feed_id, s.feed_mid), s.mid]));
      for (const key of this.layers.keys()) if (!this.carried.has(key)) this.layers.delete(key);
    }
    if (jsep?.type === "offer") {
      this.onOffer(
        jsep.sdp,
        (streams ?? []).map((s) => ({ mid: s.mid, feedId: s.feed_id, kind: s.type })),
      );
    }
  }
}

function isLive(s: JanusStream): s is LiveStream {
  return typeof s.feed_id === "number" && typeof s.feed_mid === "string" && s.active !== false && (s.type === "audio" || s.type === "video");
}

function feedInError(message: string): FeedId | undefined {
  const match = /No such feed \((\d+)\)/.exec(message);
  return match ? Number(match[1]) : undefined;
}

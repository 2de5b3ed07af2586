/**
 * The recording's sound (issue 16): the tracks plan.ts lets in (those who
 * agreed, the recording moderator's own microphone too), mixed with WebAudio
 * into one track. The set changes while recording runs: someone agrees late,
 * changes their mind, joins or leaves; a source is added or taken away
 * without a gap for the others.
 */
export class AudioMix {
  private readonly context = new AudioContext();
  private readonly destination = this.context.createMediaStreamDestination();
  private readonly sources = new Map<MediaStreamTrack, MediaStreamAudioSourceNode>();

  /** The mixed track, for MediaRecorder. */
  get track(): MediaStreamTrack {
    return this.destination.stream.getAudioTracks()[0]!;
  }

  /** Mixes exactly these tracks from now on. */
  set(tracks: Iterable<MediaStreamTrack>): void {
    const wanted = new Set([...tracks].filter((t) => t.readyState === "live"));
    for (const [track, node] of this.sources) {
      if (wanted.has(track)) continue;
      node.disconnect();
      this.sources.delete(track);
    }
    for (const track of wanted) {
      if (this.sources.has(track)) continue;
      const node = this.context.createMediaStreamSource(new MediaStream([track]));
      node.connect(this.destination);
      this.sources.set(track, node);
    }
    // Created after a click, it may still start suspended where the browser wants a gesture first.
    if (this.context.state === "suspended") void this.context.resume();
  }

  close(): void {
    for (const node of this.sources.values()) node.disconnect();
    this.sources.clear();
    void this.context.close();
  }
}

/**
 * The page's side of noise suppression: routes the microphone track through
 * the RNNoise worklet (noise-worklet.ts, served as /noise-worklet.js from
 * Treff's own origin) and gives back the track it writes, which LocalMedia
 * sends instead of the microphone's own. One AudioContext (48 kHz, RNNoise's
 * rate) and its loaded worklet live as long as the page; each microphone
 * track gets a small graph of its own: source → worklet → destination.
 */
import type { NoiseWorkletReport } from "./noise-limits.js";

export interface NoiseSuppressionEvents {
  /** This device cannot keep up (at the start or later): the page sends the microphone as it is. */
  overloaded(msPerSecond: number): void;
  /** The audio thread started running (it may wait for the person's first click): the page may switch to the denoised track now. */
  running(): void;
}

interface Graph {
  microphone: MediaStreamTrack;
  source: MediaStreamAudioSourceNode;
  node: AudioWorkletNode;
  output: MediaStreamTrack;
}

export class NoiseSuppression {
  private context: AudioContext | undefined;
  private loading: Promise<void> | undefined;
  private graph: Graph | undefined;
  /** The latest work per second of audio the worklet reported, ms (for the benchmark and tests). */
  msPerSecond: number | undefined;

  constructor(private readonly events: NoiseSuppressionEvents) {}

  static supported(): boolean {
    return typeof AudioWorkletNode === "function" && typeof AudioContext === "function" && typeof MediaStreamAudioDestinationNode === "function";
  }

  /**
   * Starts denoising this microphone track; returns the track to send instead, or undefined while
   * the audio thread does not run yet (browsers start it only after the person interacted with the
   * page): `running` then says when to ask again.
   */
  async attach(microphone: MediaStreamTrack): Promise<MediaStreamTrack | undefined> {
    if (this.graph?.microphone === microphone) return this.live(this.graph);
    this.detach();
    const context = await this.load();
    const source = context.createMediaStreamSource(new MediaStream([microphone]));
    const node = new AudioWorkletNode(context, "noise-suppressor", { numberOfInputs: 1, numberOfOutputs: 1, outputChannelCount: [1], channelCount: 1, channelCountMode: "explicit" });
    const destination = context.createMediaStreamDestination();
    destination.channelCount = 1;
    source.connect(node).connect(destination);
    const graph: Graph = { microphone, source, node, output: destination.stream.getAudioTracks()[0]! };
    node.port.onmessage = (event: MessageEvent<NoiseWorkletReport>) => this.heard(graph, event.data);
    this.graph = graph;
    return this.live(graph);
  }

  /** Stops denoising; the output track ends. The context stays for the next attach. */
  detach(): void {
    const graph = this.graph;
    if (!graph) return;
    this.graph = undefined;
    graph.source.disconnect();
    graph.node.disconnect();
    graph.node.port.postMessage("stop");
    graph.output.stop();
  }

  close(): void {
    this.detach();
    void this.context?.close();
    this.context = undefined;
    this.loading = undefined;
  }

  private live(graph: Graph): MediaStreamTrack | undefined {
    return this.context?.state === "running" ? graph.output : undefined;
  }

  private heard(graph: Graph, report: NoiseWorkletReport): void {
    if ("msPerSecond" in report) this.msPerSecond = report.msPerSecond;
    if (graph !== this.graph) return;
    if (report.type === "overloaded" || report.type === "failed") this.events.overloaded(report.type === "failed" ? Infinity : report.msPerSecond);
  }

  private async load(): Promise<AudioContext> {
    if (!this.context) {
      const context = new AudioContext({ sampleRate: 48_000, latencyHint: "interactive" });
      this.context = context;
      this.loading = context.audioWorklet.addModule("/noise-worklet.js");
      context.addEventListener("statechange", () => {
        if (context.state === "running" && this.graph) this.events.running();
      });
      // Without a click on the page yet this stays suspended; `running` follows the first one.
      void context.resume();
      const resumeOnGesture = () => void context.resume();
      for (const event of ["pointerdown", "keydown"]) document.addEventListener(event, resumeOnGesture, { once: true, capture: true });
    }
    await this.loading;
    return this.context;
  }
}

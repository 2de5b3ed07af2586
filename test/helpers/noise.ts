/**
 * What the noise-suppression test and benchmark need: a noisy "speech" sample
 * Chromium's fake microphone plays (`--use-file-for-fake-audio-capture`, it
 * loops the file), made here in Node so the tests need no sox; and the
 * spectrum of what a page receives from another participant.
 *
 * The "speech" is a voiced sound as a throat makes it: a 140 Hz fundamental
 * with its harmonics up to 3 kHz, in syllables four times a second. Over it
 * lies steady white noise across the whole band; above 4 kHz there is only
 * noise, so energy there measures the noise that got through.
 */
import { writeFileSync } from "node:fs";
import type { BrowserContext, Page } from "playwright-core";

const RATE = 48_000;

/** Samples -1..1 of `seconds` of noisy speech-like sound (deterministic: the same file every run). */
export function noisySpeech(seconds = 8, noiseLevel = 0.05): Float32Array {
  const samples = new Float32Array(RATE * seconds);
  let seed = 12345;
  const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  let phase = 0;
  for (let i = 0; i < samples.length; i++) {
    const t = i / RATE;
    // A little vibrato, as in a voice; RNNoise listens for a pitch.
    const f0 = 140 * (1 + 0.03 * Math.sin(2 * Math.PI * 5 * t));
    phase += (2 * Math.PI * f0) / RATE;
    let voice = 0;
    for (let k = 1; k * 140 < 3000; k++) voice += Math.sin(k * phase) / k;
    // Syllables: four a second, each voiced for 60 % of its time, with soft edges.
    const inSyllable = (t * 4) % 1;
    const envelope = inSyllable < 0.6 ? Math.sin((Math.PI * inSyllable) / 0.6) : 0;
    samples[i] = 0.12 * envelope * voice + noiseLevel * (2 * random() - 1);
  }
  return samples;
}

/** Writes samples as a 48 kHz mono 16-bit WAV file. */
export function writeWav(path: string, samples: Float32Array): void {
  const data = Buffer.alloc(samples.length * 2);
  samples.forEach((s, i) => data.writeInt16LE(Math.round(Math.max(-1, Math.min(1, s)) * 32767), i * 2));
  const header = Buffer.alloc(44);
  header.write("RIFF", 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write("WAVEfmt ", 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(RATE, 24);
  header.writeUInt32LE(RATE * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write("data", 36);
  header.writeUInt32LE(data.length, 40);
  writeFileSync(path, Buffer.concat([header, data]));
}

/** Received sound energy, dB (relative), in the voice's band and in the band where only noise is. */
export interface ReceivedBands {
  /** 100 Hz – 1.5 kHz: the voice's fundamental and strongest harmonics (plus noise). */
  voice: number;
  /** 5 – 10 kHz: nothing but noise. */
  noise: number;
}

/**
 * Listens to `name`'s sound as `page` receives it (the remote tile's <audio>, through a Web Audio
 * analyser) for `ms` and returns the mean energy per band. The page needs a click first, as a
 * browser starts audio processing only after the person interacted with the page.
 */
export function receivedBands(page: Page, name: string, ms = 3_000): Promise<ReceivedBands | undefined> {
  return page.evaluate(
    async ({ name, ms }) => {
      const tile = [...document.querySelectorAll<HTMLElement>("figure.tile:not([data-self])")].find((el) => el.querySelector(".name")?.textContent === name);
      const stream = tile?.querySelector("audio")?.srcObject;
      const track = stream instanceof MediaStream ? stream.getAudioTracks()[0] : undefined;
      if (!track) return undefined;
      const context = new AudioContext({ sampleRate: 48_000 });
      await context.resume();
      const analyser = context.createAnalyser();
      analyser.fftSize = 2048;
      analyser.smoothingTimeConstant = 0;
      context.createMediaStreamSource(new MediaStream([track])).connect(analyser);
      const bins = new Float32Array(analyser.frequencyBinCount);
      const hz = context.sampleRate / analyser.fftSize;
      const sums = { voice: 0, noise: 0 };
      let reads = 0;
      const end = performance.now() + ms;
      while (performance.now() < end) {
        await new Promise((r) => setTimeout(r, 40));
        analyser.getFloatFrequencyData(bins);
        bins.forEach((db, i) => {
          const f = i * hz;
          const power = 10 ** (db / 10);
          if (f >= 100 && f <= 1500) sums.voice += power;
          else if (f >= 5000 && f <= 10_000) sums.noise += power;
        });
        reads++;
      }
      await context.close();
      const db = (sum: number) => 10 * Math.log10(sum / reads + 1e-30);
      return { voice: db(sums.voice), noise: db(sums.noise) };
    },
    { name, ms },
  );
}

/**
 * Test-only instrumentation, injected before the page loads: remembers every AudioWorkletNode the
 * page makes, and holds back the noise worklet's own "overloaded" reports (kept in
 * `window.__noiseOverloads`). This machine's cores are shared with other test runs, so its
 * timings say more about them than about Treff; bench:noise measures the cost. A test can still
 * send the page a report of its own (sendNoiseOverload) to check what the page does with one.
 */
export async function instrumentNoiseWorklet(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const Original = window.AudioWorkletNode;
    const w = window as unknown as { __treffWorkletNodes: AudioWorkletNode[]; __noiseOverloads: number[] };
    w.__treffWorkletNodes = [];
    w.__noiseOverloads = [];
    window.AudioWorkletNode = class extends Original {
      constructor(...args: ConstructorParameters<typeof AudioWorkletNode>) {
        super(...args);
        w.__treffWorkletNodes.push(this);
        // Registered before the page sets onmessage, so it runs first and can stop a report.
        this.port.addEventListener("message", (event: MessageEvent<{ type: string; msPerSecond?: number; fromTest?: boolean }>) => {
          if (event.data.type !== "overloaded" || event.data.fromTest) return;
          w.__noiseOverloads.push(event.data.msPerSecond ?? 0);
          event.stopImmediatePropagation();
        });
      }
    } as typeof AudioWorkletNode;
  });
}

/** Delivers an "overloaded" report to the page as if its newest noise worklet had sent it. */
export async function sendNoiseOverload(page: Page): Promise<void> {
  await page.evaluate(() => {
    const node = (window as unknown as { __treffWorkletNodes: AudioWorkletNode[] }).__treffWorkletNodes.at(-1)!;
    node.port.dispatchEvent(new MessageEvent("message", { data: { type: "overloaded", msPerSecond: 900, fromTest: true } }));
  });
}

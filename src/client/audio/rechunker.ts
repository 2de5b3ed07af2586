/**
 * Audio arrives in an AudioWorklet in blocks of 128 samples; RNNoise works on
 * frames of 480 (10 ms at 48 kHz). The rechunker gathers input into whole
 * frames, has each processed in place, and hands the result back block by
 * block, a fixed 480 samples (10 ms) later: enough that a block is always
 * ready, whatever the two sizes' phase. Pure code, no Web Audio: unit-tested
 * in Node (test/unit/rechunker.test.ts).
 */
export class Rechunker {
  private readonly frame: Float32Array;
  private filled = 0;
  /** Processed samples waiting to go out, in a ring; starts with one frame of silence (the delay). */
  private readonly ring: Float32Array;
  private readFrom = 0;
  private queued: number;

  constructor(
    readonly frameSize: number,
    /** Processes one whole frame in place. */
    private readonly process: (frame: Float32Array) => void,
    maxBlock = 128,
  ) {
    this.frame = new Float32Array(frameSize);
    this.ring = new Float32Array(2 * frameSize + maxBlock);
    this.queued = frameSize;
  }

  /** Takes one block in, writes one block (the same length) out. */
  push(input: Float32Array, output: Float32Array): void {
    for (let i = 0; i < input.length; i++) {
      this.frame[this.filled++] = input[i]!;
      if (this.filled === this.frameSize) {
        this.process(this.frame);
        this.enqueue(this.frame);
        this.filled = 0;
      }
    }
    for (let i = 0; i < output.length; i++) {
      output[i] = this.queued > 0 ? this.ring[this.readFrom]! : 0;
      if (this.queued > 0) {
        this.readFrom = (this.readFrom + 1) % this.ring.length;
        this.queued--;
      }
    }
  }

  private enqueue(samples: Float32Array): void {
    let writeAt = (this.readFrom + this.queued) % this.ring.length;
    for (const sample of samples) {
      this.ring[writeAt] = sample;
      writeAt = (writeAt + 1) % this.ring.length;
    }
    this.queued = Math.min(this.queued + samples.length, this.ring.length);
  }
}

/**
 * Replay protection for received frames. A media server that keeps old
 * encrypted frames could send them again later (say, someone's "yes"); they
 * would still authenticate, because they are genuine. Each frame carries its
 * sender's counter, which never repeats under one key, so a receiver accepts
 * every counter at most once per key.
 *
 * A sender counts all its frames with one counter (audio, every simulcast
 * layer, a shared screen), and a receiver gets only some of them, from
 * several streams that do not arrive in exactly counter order. So the window
 * remembers which of the last WINDOW counters below the highest one it has
 * accepted, and accepts any other counter in that window; a counter older than
 * the window is refused, as no frame of a live stream is that late.
 */

/** Counters remembered below the highest: several seconds of a sender's frames (≈150 a second). */
export const WINDOW = 1024;

export class ReplayWindow {
  private highest = -1;
  /** Bit `c % WINDOW`: counter c was accepted (for c within WINDOW below `highest`). */
  private readonly accepted = new Uint32Array(WINDOW / 32);

  /** Takes a counter of a frame that authenticated: true the first time, false if seen or too old. */
  accept(counter: number): boolean {
    if (counter > this.highest) {
      // The counters the window moves over have not been seen: clear their bits.
      const from = Math.max(this.highest + 1, counter - WINDOW + 1);
      for (let c = from; c <= counter; c++) this.setBit(c, false);
      this.highest = counter;
    } else if (this.highest - counter >= WINDOW || this.bit(counter)) {
      return false;
    }
    this.setBit(counter, true);
    return true;
  }

  private bit(counter: number): boolean {
    const at = counter % WINDOW;
    return (this.accepted[at >>> 5]! & (1 << (at & 31))) !== 0;
  }

  private setBit(counter: number, value: boolean): void {
    const at = counter % WINDOW;
    if (value) this.accepted[at >>> 5]! |= 1 << (at & 31);
    else this.accepted[at >>> 5]! &= ~(1 << (at & 31));
  }
}

/**
 * Optional sounds (the knock for moderators, a new patient in the consultation's queue): a short
 * two-note chime made with WebAudio (no sound file, nothing fetched), off unless the person
 * switches it on; the choice is kept on this device only.
 */

/** A sound that is off unless switched on, remembered under `key` in this browser. */
export function soundSetting(key: string): { on(): boolean; set(on: boolean): void } {
  return {
    on() {
      try {
        return localStorage.getItem(key) === "on";
      } catch {
        return false;
      }
    },
    set(on) {
      try {
        if (on) localStorage.setItem(key, "on");
        else localStorage.removeItem(key);
      } catch {
        // Storage refused (private mode): the sound stays off.
      }
    },
  };
}

const knockSound = soundSetting("treff.knockSound");
export const knockSoundOn = (): boolean => knockSound.on();
export const setKnockSound = (on: boolean): void => knockSound.set(on);

/** The knock, if the moderator switched it on. */
export function playKnock(): void {
  if (knockSoundOn()) playChime();
}

let context: AudioContext | undefined;

/** Two soft notes, 0.3 s in all; nothing where WebAudio is missing. */
export function playChime(): void {
  if (typeof AudioContext === "undefined") return;
  context ??= new AudioContext();
  void context.resume().catch(() => {});
  const start = context.currentTime + 0.01;
  for (const [i, frequency] of [660, 880].entries()) {
    const at = start + i * 0.15;
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.type = "sine";
    oscillator.frequency.value = frequency;
    // A quick rise and fall, so the note does not click.
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(0.15, at + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.14);
    oscillator.connect(gain).connect(context.destination);
    oscillator.start(at);
    oscillator.stop(at + 0.15);
  }
}

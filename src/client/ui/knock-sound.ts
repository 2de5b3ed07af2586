/**
 * The optional knock sound for moderators: a short two-note chime made with
 * WebAudio (no sound file, nothing fetched), off unless the person switches
 * it on; the choice is kept on this device only.
 */
const STORAGE_KEY = "treff.knockSound";

export function knockSoundOn(): boolean {
  try {
    return localStorage.getItem(STORAGE_KEY) === "on";
  } catch {
    return false;
  }
}

export function setKnockSound(on: boolean): void {
  try {
    if (on) localStorage.setItem(STORAGE_KEY, "on");
    else localStorage.removeItem(STORAGE_KEY);
  } catch {
    // Storage refused (private mode): the sound stays off.
  }
}

let context: AudioContext | undefined;

/** Two soft notes, 0.3 s in all; nothing when the sound is off or WebAudio is missing. */
export function playKnock(): void {
  if (!knockSoundOn() || typeof AudioContext === "undefined") return;
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

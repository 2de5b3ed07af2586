/** English strings of the consultation's call (end-to-end encryption, screen sharing, a third person); added to en.ts. */
export const callEn = {
  cRemoteScreen: "The other side's screen",
  cYouShare: "You are sharing your screen with the other side.",
  cVerified: "{name}: verified",
};

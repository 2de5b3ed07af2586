/** English strings of the consultation's call (end-to-end encryption, screen sharing, a third person); added to en.ts. */
export const callEn = {
  cRemoteScreen: "The other side's screen",
  cYouShare: "You are sharing your screen with the other side.",
  cVerified: "{name}: verified",
  // A third person (docs/consultation.md)
  cInvite: "Add a person",
  cInviteTitle: "Add a third person",
  cInviteHint: "Send this link to an interpreter or a relative. Once they have agreed, the call continues through this practice's media server, still end-to-end encrypted, and goes back to a direct connection when they leave.",
  cInviteLink: "Link for the third person",
  cCopyLink: "Copy link",
  cInviteUntil: "Works until {time}, and only during this call.",
  cTermsThird: "If the practice adds a third person during the call (an interpreter, a relative), picture and sound go through the practice's own media server while they take part, still encrypted end to end: the server passes them on without being able to see or hear them.",
  cGuestTitle: "Join a video consultation",
  cGuestIntro: "{practice} invites you to a video consultation that is under way, for example as an interpreter or a relative.",
  cGuestName: "Your name (the others see it)",
  cGuestNameNeeded: "Please enter your name.",
  cGuestConsent: "I agree to take part in this video consultation and have read the terms of use and the privacy notice.",
  cGuestJoin: "Join the consultation",
  cGuestNoE2ee: "This browser cannot encrypt the call end to end, which this consultation requires. Please open the link in a current Chrome, Edge, Firefox or Safari.",
  cGuestConnecting: "Connecting to the consultation…",
  cGuestLeft: "You have left the consultation",
  cGuestInvalid: "This invitation cannot be used: {reason}",
};

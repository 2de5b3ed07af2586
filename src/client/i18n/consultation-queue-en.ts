/** English strings of the consultation's queue and appointments: on hold, arrivals, calendar files (spread into en.ts). */
export const consultationQueueEn = {
  cHold: "Put back on hold",
  cHoldFor: "Put back on hold: {who}",
  cHeldTitle: "You are back in the waiting room",
  cHeldHint: "The practice will call you in again. Keep this page open.",
  cArrived: "{who} is now waiting",
  cPatientSound: "Play a sound when a patient starts waiting (never during a call)",
  cIcsButton: "Calendar file (.ics)",
  cIcsWithLabel: "Put the label in the calendar file",
  cIcsFileName: "video-consultation.ics",
  cIcsSummary: "Video consultation: {practice}",
  cIcsDescription: "Open this link at the time of your appointment: {link}\nOr enter the code {code} at {base}/sprechstunde.",
};

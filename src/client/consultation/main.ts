/** The video consultation's pages (docs/consultation.md): picks the screen from the address. */
import { language } from "../i18n/index.js";
import { guestPage } from "./guest-page.js";
import { patientPage } from "./patient-page.js";
import { enrolPage, staffPage } from "./staff-page.js";

const app = document.getElementById("app")!;

function show(screen: HTMLElement): void {
  document.documentElement.lang = language();
  app.replaceChildren(screen);
}

const path = location.pathname.replace(/\/$/, "");
if (path === "/staff/enrol") enrolPage(show);
else if (path === "/staff") void staffPage(show);
else if (path === "/sprechstunde/gast") void guestPage(show);
else void patientPage(show);

/** Reactions: how each looks on a tile, and the bar's menu to send one. */
import type { Reaction } from "../../protocol/messages.js";
import { t, type MessageKey } from "../i18n/index.js";
import { h } from "./dom.js";

/** How each reaction looks on a tile. */
export const REACTION_SYMBOLS: Record<Reaction, string> = {
  "thumbs-up": "👍",
  clap: "👏",
  laugh: "😂",
  heart: "❤️",
  surprised: "😮",
};

/** The reaction's name in words ("Applause"), for buttons and announcements. */
export const reactionName = (reaction: Reaction) => t(`reaction.${reaction}` as MessageKey);

/** One button per reaction. */
export function reactionButtons(react: (reaction: Reaction) => void): HTMLButtonElement[] {
  return (Object.entries(REACTION_SYMBOLS) as [Reaction, string][]).map(([reaction, symbol]) =>
    h("button", { type: "button", "aria-label": reactionName(reaction), title: reactionName(reaction), onclick: () => react(reaction) }, symbol),
  );
}

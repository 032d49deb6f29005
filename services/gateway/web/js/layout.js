// A page's frame: its head, the cards that make it up, each named by its heading, and the card
// that stands out to tell what was just done.
import { clear, h } from "./dom.js";

/** A page: its head (its title, and the line that says what it is for), then its parts. */
export function page(title, intro, ...parts) {
  return h("div", {}, h("div", { class: "page-head" }, h("div", {}, h("h1", {}, title), h("p", {}, intro))), ...parts);
}

/** A card named by its heading (`id`, the heading's, labels the section), then its content. */
export function card(id, title, ...content) {
  return h("section", { class: "card", "aria-labelledby": id }, h("h2", { id }, title), ...content);
}

/** `slot` shows the card that stands out (`testid`): its heading, which takes the focus, then its content. */
export function showHero(slot, testid, title, ...content) {
  clear(slot, h("div", { class: "card hero", "data-testid": testid }, h("h2", { tabindex: "-1" }, title), ...content));
  slot.querySelector("h2").focus();
}

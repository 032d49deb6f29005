// A page's frame: its head, and the cards that make it up, each named by its heading.
import { h } from "./dom.js";

/** A page: its head (its title, and the line that says what it is for), then its parts. */
export function page(title, intro, ...parts) {
  return h("div", {}, h("div", { class: "page-head" }, h("div", {}, h("h1", {}, title), h("p", {}, intro))), ...parts);
}

/** A card named by its heading (`id`, the heading's, labels the section), then its content. */
export function card(id, title, ...content) {
  return h("section", { class: "card", "aria-labelledby": id }, h("h2", { id }, title), ...content);
}

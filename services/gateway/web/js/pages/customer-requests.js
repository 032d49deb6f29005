// The customer's service requests (opened by its partner), with comments.
import { get, items, post } from "../api.js";
import { announce, badge, clear, empty, field, fmtDate, form, h } from "../dom.js";

export default async function customerRequests(ctx) {
  ctx.title("Service requests");
  const root = h("div", {});
  async function render() {
    let list;
    try {
      list = items(await get("/api/customer/service-requests"));
    } catch (error) {
      if (error.status !== 404) throw error;
      return clear(root, h("div", { class: "card" }, empty("Service requests are not available yet", "Your partner can open service requests for you once they are.")));
    }
    clear(root, list.length ? list.map((r) => h("section", { class: "card", "aria-labelledby": `sr-${r.request_id}` },
      h("div", { class: "row" }, h("h2", { id: `sr-${r.request_id}` }, r.title), h("span", { class: "spacer" }), badge(r.status)),
      h("p", { class: "muted small" }, `Severity ${String(r.severity || "").toUpperCase()} · opened ${fmtDate(r.opened_at || r.created_at, true)}`),
      h("p", {}, r.description || ""),
      (r.notes || []).length ? h("ul", { class: "activity" }, r.notes.map((n) => h("li", {}, h("span", { class: "muted small" }, `${fmtDate(n.at || n.created_at, true)} · ${n.author || ""}`), h("div", {}, n.text)))) : null,
      r.status !== "closed" ? form({ "aria-label": `Comment on ${r.title}` }, [field({ name: "text", label: "Add a comment", type: "textarea", rows: 2, required: true })],
        async (v) => {
          await post(`/api/customer/service-requests/${r.request_id}/comments`, { text: v.text });
          announce("Comment added.");
          await render();
        }, { submitLabel: "Comment" }) : null))
      : h("div", { class: "card" }, empty("No service requests", "When your partner opens a service request for your company, you can follow it and comment here.")));
  }
  await render();
  return h("div", {}, h("div", { class: "page-head" }, h("div", {}, h("h1", {}, "Service requests"), h("p", {}, "Tickets your partner opened for your company."))), root);
}

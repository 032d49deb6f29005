// The customer's service requests (opened by its partner), with comments.
import { get, items, post } from "../api.js";
import { announce, badge, clear, empty, field, fmtDate, form, h } from "../dom.js";

export default async function customerRequests(ctx) {
  ctx.title("Service requests");
  const root = h("div", {});
  async function render() {
    let list;
    try {
      const summaries = items(await get("/api/customer/service-requests"));
      list = await Promise.all(summaries.map((r) => get(`/api/customer/service-requests/${r.request_id}`)));
    } catch (error) {
      if (error.status !== 404) throw error;
      return clear(root, h("div", { class: "card" }, empty("Service requests are not available yet", "Your partner can open service requests for you once they are.")));
    }
    clear(root, list.length ? list.map((r) => h("section", { class: "card", "aria-labelledby": `sr-${r.request_id}` },
      h("div", { class: "row" }, h("h2", { id: `sr-${r.request_id}` }, r.title), h("span", { class: "spacer" }), badge(r.state)),
      h("p", { class: "muted small" }, `Severity ${r.severity} · opened ${fmtDate(r.created_at, true)}`),
      h("p", {}, r.description || ""),
      (r.notes || []).length ? h("ul", { class: "activity" }, r.notes.map((n) => h("li", {}, h("span", { class: "muted small" }, `${fmtDate(n.added_at, true)} · ${n.author_kind === "partner" ? "your partner" : "your company"}`), h("div", {}, n.body)))) : null,
      r.state !== "closed" ? form({ "aria-label": `Comment on ${r.title}` }, [field({ name: "body", label: "Add a comment", type: "textarea", rows: 2, required: true })],
        async (v) => {
          await post(`/api/customer/service-requests/${r.request_id}/notes`, { body: v.body });
          announce("Comment added.");
          await render();
        }, { submitLabel: "Comment" }) : null))
      : h("div", { class: "card" }, empty("No service requests", "When your partner opens a service request for your company, you can follow it and comment here.")));
  }
  await render();
  return h("div", {}, h("div", { class: "page-head" }, h("div", {}, h("h1", {}, "Service requests"), h("p", {}, "Tickets your partner opened for your company."))), root);
}

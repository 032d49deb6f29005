// The customer's service requests (opened by its partner), with comments.
import { get, items, post } from "../api.js";
import { announce, badge, clear, empty, field, fmtDate, form, h } from "../dom.js";
import { page } from "../layout.js";
import { t } from "../i18n.js";
import { liveRegion } from "../live.js";

export default async function customerRequests(ctx) {
  ctx.title(t("nav.service_requests"));
  const root = h("div", {});
  /** @param {() => boolean} [quiet] a live refresh draws only if it still holds (liveRegion) */
  async function render(quiet) {
    let list;
    try {
      const summaries = items(await get("/api/customer/service-requests"));
      list = await Promise.all(summaries.map((r) => get(`/api/customer/service-requests/${r.request_id}`)));
    } catch (error) {
      if (error.status !== 404) throw error;
      return clear(root, h("div", { class: "card" }, empty(t("sr.unavailable"), t("sr.unavailable_text"))));
    }
    if (quiet && !quiet()) return false;
    clear(
      root,
      list.length
        ? list.map((r) =>
            h(
              "section",
              { class: "card", "aria-labelledby": `sr-${r.request_id}` },
              h(
                "div",
                { class: "row" },
                h("h2", { id: `sr-${r.request_id}` }, r.title),
                h("span", { class: "spacer" }),
                badge(r.state),
              ),
              h(
                "p",
                { class: "muted small" },
                t("sr.meta", { severity: t(`severity.${r.severity}`), when: fmtDate(r.created_at, true) }),
              ),
              h("p", {}, r.description || ""),
              (r.notes || []).length
                ? h(
                    "ul",
                    { class: "activity" },
                    r.notes.map((n) =>
                      h(
                        "li",
                        {},
                        h(
                          "span",
                          { class: "muted small" },
                          `${fmtDate(n.added_at, true)} · ${n.author_kind === "partner" ? t("sr.by_partner") : t("sr.by_company")}`,
                        ),
                        h("div", {}, n.body),
                      ),
                    ),
                  )
                : null,
              r.state !== "closed"
                ? form(
                    { "aria-label": t("sr.comment_on", { title: r.title }) },
                    [field({ name: "body", label: t("sr.add_comment"), type: "textarea", rows: 2, required: true })],
                    async (v) => {
                      await post(`/api/customer/service-requests/${r.request_id}/notes`, { body: v.body });
                      announce(t("sr.comment_added"));
                      await render();
                    },
                    { submitLabel: t("sr.comment") },
                  )
                : null,
            ),
          )
        : h("div", { class: "card" }, empty(t("sr.none"), t("sr.none_customer"))),
    );
  }
  await render();
  // A partner's new request or answer shows live, unless a comment is being written.
  ctx.cleanup(liveRegion(root, render, { name: /ServiceRequest/ }));
  return page(t("nav.service_requests"), t("sr.customer_intro"), root);
}

// Partner overview: a tile per task with its live count, and the live activity feed.
import { get } from "../api.js";
import { clear, h } from "../dom.js";
import { card } from "../layout.js";
import { describe, onLive, onLiveState, throttled } from "../live.js";
import { fmtNumber, locale, t } from "../i18n.js";

const TILES = [
  ["customers", "/partner/customers"],
  ["active_invitations", "/partner/invitations"],
  ["open_offers", "/partner/offers"],
  ["pending_delegations", "/partner/delegations"],
  ["open_service_requests", "/partner/customers"],
];

export default async function overview(ctx) {
  ctx.title(t("overview.title"));
  const user = ctx.session.user;
  const supporting = user.supported_access === "full" || user.supported_access === "limited";
  const counts = Object.fromEntries(
    TILES.map(([key]) => [key, h("span", { class: "count", "data-testid": `count-${key}` }, "–")]),
  );

  async function refresh() {
    if (!supporting) return;
    try {
      const answer = await get("/api/partner/overview");
      for (const [key] of TILES)
        counts[key].textContent = typeof answer[key] === "number" ? fmtNumber(answer[key]) : "–";
    } catch {
      /* the tiles keep their last numbers */
    }
  }
  await refresh();

  const activity = h("ul", { class: "activity", "aria-live": "polite", "data-testid": "activity" });
  const liveNote = h("span", { class: "badge", "data-testid": "live-state" }, "");
  ctx.cleanup(
    onLiveState((s) => {
      liveNote.textContent =
        s === "on" ? t("overview.live") : s === "reconnecting" ? t("overview.reconnecting") : t("overview.not_live");
      liveNote.className = `badge ${s === "on" ? "good" : "warn"}`;
    }),
  );
  const later = throttled(refresh);
  ctx.cleanup(
    onLive((event) => {
      later();
      if (event.reset) return;
      if (activity.querySelector(".empty-note")) clear(activity);
      activity.prepend(
        h(
          "li",
          {},
          h("span", { class: "muted small" }, new Date().toLocaleTimeString(locale()), " · "),
          describe(event),
        ),
      );
      while (activity.children.length > 8) activity.lastChild.remove();
    }),
  );
  activity.append(h("li", { class: "empty-note muted" }, t("overview.activity_empty")));

  const tiles = supporting
    ? TILES.map(([key, href]) =>
        h(
          "a",
          { class: "tile", href, "data-testid": `tile-${key}` },
          counts[key],
          h("div", { class: "label" }, t(`overview.tile.${key}`)),
          h("div", { class: "hint" }, t(`overview.tile.${key}.hint`)),
        ),
      )
    : [h("div", { class: "card" }, h("p", {}, t("overview.no_access")))];

  return h(
    "div",
    {},
    h(
      "div",
      { class: "page-head" },
      h("div", {}, h("h1", {}, t("overview.title")), h("p", {}, t("overview.welcome", { name: user.display_name }))),
      liveNote,
    ),
    h("section", { "aria-label": t("overview.counts") }, h("div", { class: "grid" }, tiles)),
    h(
      "div",
      { class: "two-col", style: null },
      card(
        "tasks-title",
        t("overview.tasks"),
        h(
          "ul",
          {},
          h("li", {}, h("a", { href: "/partner/invitations" }, t("overview.task.invite"))),
          h("li", {}, h("a", { href: "/partner/offers" }, t("overview.task.offer"))),
          h("li", {}, h("a", { href: "/partner/delegations" }, t("overview.task.delegate"))),
          h("li", {}, h("a", { href: "/partner/customers" }, t("overview.task.support"))),
          h("li", {}, h("a", { href: "/partner/users" }, t("overview.task.users"))),
          h("li", {}, h("a", { href: "/partner/company" }, t("overview.task.company"))),
        ),
      ),
      card("activity-title", t("overview.activity"), activity),
    ),
  );
}

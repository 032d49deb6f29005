// Partner webhooks, for the partner's Global admins: register an endpoint (its signing secret is
// shown once, with a copy button), see each endpoint's delivery log, rotate the secret, disable,
// enable, delete, and send one delivery again.
import { del, get, post } from "../api.js";
import { announce, badge, clear, confirmedButton, empty, field, fmtDate, form, h, table, urlBox } from "../dom.js";
import { card, page, showHero } from "../layout.js";
import { has, t, tn } from "../i18n.js";

const BASE = "/api/partner/webhooks";

/** The event's name in the user's language (its live text), the CloudEvents type beside it. */
function typeLabel(ceType) {
  const name = String(ceType).split(".").slice(-2, -1)[0] || ceType;
  return has(`live.${name}`) ? t(`live.${name}`) : name;
}

// A delivery's status, coloured as the other pages' badges (good, bad, warn).
const DELIVERY_BADGES = { delivered: "good", failed: "bad", pending: "warn", sending: "warn" };

export default async function webhooks(ctx) {
  ctx.title(t("nav.webhooks"));
  const me = ctx.session.user;
  if (me.company_role !== "global_admin") {
    return h(
      "div",
      {},
      h("h1", { tabindex: "-1" }, t("nav.webhooks")),
      h("p", { class: "muted" }, t("webhooks.only_admins")),
    );
  }
  const secretSlot = h("div", { "aria-live": "polite" });
  const listSlot = h("div", {});
  const detailSlot = h("div", {});
  const types = (await get(`${BASE}/event-types`)).items;

  function showSecret(title, endpointUrl, secret) {
    showHero(
      secretSlot,
      "webhook-secret",
      title,
      h("p", {}, t("webhooks.secret_once", { url: endpointUrl })),
      urlBox(secret, t("webhooks.secret")),
      h("button", { type: "button", class: "secondary", onclick: () => clear(secretSlot) }, t("webhooks.secret_done")),
    );
  }

  function status(endpoint) {
    if (endpoint.enabled) return badge("active");
    return h(
      "div",
      {},
      badge("disabled"),
      h(
        "div",
        { class: "muted small", "data-testid": "disabled-reason" },
        endpoint.disabled_by_sender
          ? t("webhooks.disabled_failing", { count: endpoint.consecutive_failures })
          : t("webhooks.disabled_by_admin"),
      ),
    );
  }

  async function act(label, call) {
    try {
      await call();
      announce(label);
      await load();
    } catch (error) {
      announce(error.message, "error");
    }
  }

  async function showLog(endpoint) {
    const detail = await get(`${BASE}/${endpoint.endpoint_id}`);
    clear(
      detailSlot,
      h(
        "section",
        { class: "card", "aria-labelledby": "log-title", "data-testid": "delivery-log" },
        h("h2", { id: "log-title", tabindex: "-1" }, t("webhooks.log_of", { url: detail.url })),
        detail.deliveries.length
          ? table(
              [
                t("webhooks.event"),
                t("webhooks.when"),
                t("common.status"),
                t("webhooks.http_status"),
                t("webhooks.response_time"),
                t("webhooks.attempts"),
                "",
              ],
              detail.deliveries.map((d) => [
                h("div", {}, typeLabel(d.event_type), h("div", { class: "muted small" }, d.delivery_id)),
                fmtDate(d.created_at, true),
                h(
                  "span",
                  { class: `badge ${DELIVERY_BADGES[d.status] || ""}`, "data-status": d.status },
                  t(`webhooks.status.${d.status}`),
                ),
                d.last_http_status ?? "—",
                d.last_response_ms === null ? "—" : t("webhooks.ms", { ms: d.last_response_ms }),
                tn("webhooks.attempt_count", d.attempts),
                d.status === "delivered" || d.status === "failed"
                  ? h(
                      "button",
                      {
                        type: "button",
                        class: "secondary",
                        onclick: () =>
                          act(t("webhooks.redelivered"), async () => {
                            await post(`${BASE}/${endpoint.endpoint_id}/deliveries/${d.delivery_id}/redeliver`);
                            await showLog(endpoint);
                          }),
                      },
                      t("webhooks.redeliver"),
                    )
                  : "",
              ]),
            )
          : empty(t("webhooks.no_deliveries"), t("webhooks.no_deliveries_text")),
      ),
    );
    detailSlot.querySelector("h2").focus();
  }

  async function load() {
    const list = (await get(BASE)).items;
    clear(
      listSlot,
      list.length
        ? table(
            [t("webhooks.url"), t("webhooks.events"), t("common.status"), ""],
            list.map((e) => [
              h(
                "div",
                { "data-testid": "webhook-endpoint" },
                h("strong", {}, e.url),
                e.description ? h("div", { class: "muted small" }, e.description) : null,
              ),
              tn("webhooks.event_count", e.event_types.length),
              status(e),
              h(
                "div",
                { class: "actions" },
                h("button", { type: "button", class: "secondary", onclick: () => showLog(e) }, t("webhooks.show_log")),
                confirmedButton(
                  t("webhooks.rotate"),
                  { text: t("webhooks.rotate_text"), title: t("webhooks.rotate_title"), danger: false },
                  async () => {
                    const answer = await post(`${BASE}/${e.endpoint_id}/rotate-secret`);
                    showSecret(t("webhooks.rotated"), e.url, answer.secret);
                    await load();
                  },
                ),
                h(
                  "button",
                  {
                    type: "button",
                    class: "secondary",
                    onclick: () =>
                      act(e.enabled ? t("webhooks.disabled_note") : t("webhooks.enabled_note"), () =>
                        post(`${BASE}/${e.endpoint_id}/${e.enabled ? "disable" : "enable"}`),
                      ),
                  },
                  e.enabled ? t("webhooks.disable") : t("webhooks.enable"),
                ),
                confirmedButton(
                  t("webhooks.delete"),
                  { text: t("webhooks.delete_text", { url: e.url }), title: t("webhooks.delete_title") },
                  async () => {
                    await del(`${BASE}/${e.endpoint_id}`);
                    clear(detailSlot);
                    announce(t("webhooks.deleted_note"));
                    await load();
                  },
                ),
              ),
            ]),
          )
        : empty(t("webhooks.none"), t("webhooks.none_text")),
    );
  }
  await load();

  const typeBoxes = h(
    "fieldset",
    { class: "field checks" },
    h("legend", {}, t("webhooks.events")),
    types.map((ceType) => {
      const id = `hook-type-${ceType.replace(/\W/g, "-")}`;
      return h(
        "div",
        { class: "field check" },
        h("input", { id, type: "checkbox", value: ceType, "data-event-type": "" }),
        h("label", { for: id }, typeLabel(ceType), " ", h("span", { class: "muted small" }, ceType)),
      );
    }),
  );
  const addForm = form(
    { "aria-label": t("webhooks.add"), "data-testid": "webhook-form" },
    [
      field({
        name: "url",
        label: t("webhooks.url"),
        type: "url",
        required: true,
        placeholder: "https://",
        hint: t("webhooks.url_hint"),
      }),
      field({ name: "description", label: t("webhooks.description"), maxlength: 500 }),
      typeBoxes,
    ],
    async (v, formEl) => {
      const boxes = [...formEl.querySelectorAll("input[data-event-type]:checked")].map(
        (c) => /** @type {HTMLInputElement} */ (c),
      );
      const chosen = boxes.map((c) => c.value);
      const answer = await post(BASE, { url: v.url, description: v.description, event_types: chosen });
      showSecret(t("webhooks.added"), answer.url, answer.secret);
      formEl.reset();
      await load();
    },
    {
      submitLabel: t("webhooks.add_submit"),
      fieldMap: {
        invalid_url: "url",
        https_required: "url",
        forbidden_address: "url",
        unresolvable_host: "url",
      },
    },
  );

  return page(
    t("nav.webhooks"),
    t("webhooks.intro"),
    secretSlot,
    card("hooks-title", t("webhooks.list"), listSlot),
    detailSlot,
    card("add-hook-title", t("webhooks.add"), addForm),
  );
}

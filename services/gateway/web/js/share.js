// Sharing a link: copy it, or send it by e-mail to a list of addresses.
import { get, post } from "./api.js";
import { announce, confirmedButton, disclosure, field, fmtDate, form, h, shortId, urlBox } from "./dom.js";
import { onLive, throttled } from "./live.js";
import { fmtNumber, language, LANGUAGES, t, tn } from "./i18n.js";

/** @typedef {Extract<import("./api.js").UrlOf<"post">, `${string}/send`>} SendPath */

/**
 * @param {SendPath} sendPath
 * @param {() => void} [onSent]
 */
export function emailForm(sendPath, onSent) {
  return form(
    { "aria-label": t("share.send_form"), "data-testid": "send-form" },
    [
      field({
        name: "to",
        label: t("share.recipients"),
        type: "textarea",
        rows: 3,
        required: true,
        hint: t("share.recipients_hint"),
      }),
      field({ name: "message", label: t("share.note"), type: "textarea", rows: 3 }),
      field({
        name: "language",
        label: t("share.language"),
        value: language(),
        options: LANGUAGES.map((l) => [l, t(`lang.${l}`)]),
      }),
    ],
    async (v) => {
      const to = v.to.split(/[\s,;]+/).filter(Boolean);
      const answer = await post(sendPath, { to, message: v.message, language: v.language });
      announce(tn("share.sent", answer && answer.deliveries ? answer.deliveries.length : to.length));
      onSent?.();
    },
    { submitLabel: t("share.send_submit"), fieldMap: { mail_unavailable: "to" } },
  );
}

/**
 * The link with Copy, and a toggle that opens the e-mail form.
 * @param {string} url
 * @param {SendPath | null} sendPath null: the caller removes the toggle (no e-mail endpoint)
 */
export function sharePanel(url, sendPath) {
  const slot = h("div", {});
  const toggle = disclosure(
    t("share.send"),
    slot,
    // Only offered with a sendPath (the caller removes the toggle otherwise).
    () =>
      sendPath &&
      emailForm(sendPath, () => {
        toggle.click();
        refresh();
      }),
    { focus: "textarea" },
  );
  const sent = h("div", { "data-testid": "deliveries" });
  // What became of each message sent with this link (the notifications service's records).
  const refresh = () => {
    if (!sendPath) return;
    // The same resource's deliveries: one of the three GET …/deliveries paths, not any GET path
    // (a cast to all of them would make the answer any answer of the API).
    const path = /** @type {Extract<import("./api.js").UrlOf<"get">, `${string}/deliveries`>} */ (
      sendPath.replace(/\/send$/, "/deliveries")
    );
    get(path).then(
      (answer) => sent.replaceChildren(deliveryList(answer.items)),
      () => sent.replaceChildren(),
    );
  };
  refresh();
  // Each delivery's outcome arrives as a live event naming the link's subject; the listener
  // goes with the panel.
  const subjectId = sendPath ? sendPath.split("/").at(-2) : null;
  const stop = onLive(
    throttled(() => (sent.isConnected ? refresh() : stop())),
    { name: /^Email/, subject_id: subjectId },
  );
  return h("div", { class: "share" }, urlBox(url), h("div", { class: "actions" }, toggle), slot, sent);
}

/** Each delivery: recipient, status, attempts and, if refused, the server's answer. */
function deliveryList(items) {
  if (!items.length) return h("p", { class: "muted small" }, t("deliveries.none"));
  return h(
    "section",
    { "aria-label": t("deliveries.title") },
    h("h3", {}, t("deliveries.title")),
    h(
      "ul",
      {},
      items.map((d) =>
        h(
          "li",
          { "data-status": d.status },
          h("span", {}, d.recipient),
          " ",
          h(
            "span",
            { class: `badge ${{ sent: "good", failed: "bad", queued: "warn", sending: "warn" }[d.status] || ""}` },
            t(`deliveries.status.${d.status}`),
          ),
          " ",
          h(
            "span",
            { class: "muted small" },
            tn("deliveries.attempts", d.attempts),
            d.status === "queued" && d.next_attempt_at
              ? `, ${t("deliveries.retry_at", { time: fmtDate(d.next_attempt_at, true) })}`
              : "",
            d.last_error && d.status !== "sent" ? ` — ${d.last_error}` : "",
          ),
        ),
      ),
    ),
  );
}

export function linkFor(kind, code) {
  return `${location.origin}/${kind}/${code}`;
}

/**
 * What became of a shared link: its funnel (the opens and sign-ups every link has, then
 * `takenUp`: what taking this link up is, as label, count and test id), then the customers
 * who took it up, each by name (its short id when the name is not known yet).
 * @param {{
 *   title: string,
 *   funnel: { opens: number, sign_ups: number },
 *   takenUp: [string, number, string],
 *   listTitle: string,
 *   taken: Array<{customer_id: string, customer_name?: string | null, redeemed_at: string}>,
 *   when: (at: string) => string,
 *   none: string,
 * }} funnel
 */
export function funnelPanel({ title, funnel, takenUp, listTitle, taken, when, none }) {
  const counts = [
    [t("inv.funnel_opens"), funnel.opens, "opens"],
    [t("inv.funnel_sign_ups"), funnel.sign_ups, "sign-ups"],
    takenUp,
  ];
  return [
    h("h3", {}, title),
    h(
      "dl",
      { class: "funnel", "data-testid": "funnel" },
      counts.flatMap(([label, value, id]) => [h("dt", {}, label), h("dd", { "data-testid": id }, fmtNumber(value))]),
    ),
    h("p", { class: "muted" }, t("inv.funnel_note")),
    h("h3", {}, listTitle),
    taken.length
      ? h(
          "ul",
          {},
          taken.map((r) =>
            h(
              "li",
              {},
              when(fmtDate(r.redeemed_at, true)),
              " ",
              h("a", { href: `/partner/customers/${r.customer_id}` }, r.customer_name || shortId(r.customer_id)),
            ),
          ),
        )
      : h("p", { class: "muted" }, none),
  ];
}

/**
 * A shared link's place in its partner's list: the disclosure that shows, from the link's own
 * read (`path`), the link to copy or send and its funnel (into `details`); then, while the
 * link is active, the button that ends it (`end`: revoke, withdraw), announces it and reloads.
 * @param {{
 *   path: `/api/partner/${"invitations" | "offers"}/${string}`,
 *   url: string,
 *   status: string,
 *   label: string,
 *   details: HTMLElement,
 *   funnel: (full: any) => Parameters<typeof funnelPanel>[0],
 *   end: { path: import("./api.js").UrlOf<"post">, label: string, text: string, title: string, done: string },
 *   reload: () => Promise<unknown>,
 * }} link
 */
export function linkActions({ path, url, status, label, details, funnel, end, reload }) {
  return [
    disclosure(label, details, async () => {
      const full = await get(path);
      return [sharePanel(url, /** @type {SendPath} */ (`${path}/send`)), ...funnelPanel(funnel(full))];
    }),
    status === "active"
      ? confirmedButton(end.label, end, async () => {
          await post(end.path);
          announce(end.done);
          await reload();
        })
      : null,
  ];
}

// Pieces the customer-side pages share: the partner's card and the delegation decision.
import { get, items, post } from "./api.js";
import { announce, badge, clear, confirmAction, h, fmtDate } from "./dom.js";
import { roleName } from "./pages/invitations.js";
import { duration } from "./pages/delegations.js";
import { signOut } from "./app.js";
import { accountChooser } from "./account.js";
import { t } from "./i18n.js";

/**
 * A link's public page (`/api/public/{kind}/{code}`, the code from the route): `{ page }`, or
 * `{ gone }`, the card to show when it cannot be read: gone (404 or 410) or the server's own
 * message, in the page's own words (`{prefix}.unavailable`, `.gone`, `.gone_text`).
 * @param {any} ctx
 * @param {"invitations" | "offers"} kind
 * @param {string} prefix
 * @returns {Promise<{ page?: any, gone?: HTMLElement }>}
 */
export async function linkPage(ctx, kind, prefix) {
  try {
    return { page: await get(`/api/public/${kind}/${ctx.params.code}`) };
  } catch (error) {
    ctx.title(t(`${prefix}.unavailable`));
    const text = error.status === 404 || error.status === 410 ? t(`${prefix}.gone_text`) : error.message;
    return {
      gone: h("div", { class: "narrow card" }, h("h1", {}, t(`${prefix}.gone`)), h("p", {}, text)),
    };
  }
}

/**
 * What a link's page shows a signed-in user who may not act on it: a partner user (with a way
 * to sign out) or a customer user who is not the Global admin; null for a customer's Global
 * admin. The words are the page's own (`{prefix}.only_customer`, `.only_admin`).
 * @param {any} user
 * @param {string} prefix
 */
function notCustomerAdmin(user, prefix) {
  if (user.company_kind !== "customer") {
    return h(
      "section",
      { class: "card" },
      h("h2", {}, t("page.as_partner")),
      h("p", {}, t(`${prefix}.only_customer`)),
      h("button", { type: "button", class: "secondary", onclick: signOut }, t("chrome.sign_out")),
    );
  }
  if (user.company_role !== "global_admin") {
    return h("section", { class: "card" }, h("h2", {}, t("page.ask_admin")), h("p", {}, t(`${prefix}.only_admin`)));
  }
  return null;
}

/**
 * Fills a link's page's `action` area, and fills it again after signing up or in: a visitor
 * chooses an account (`{prefix}.account_intro`, the link's code in `options`), a user who may
 * not act is told why, and a customer's Global admin gets `card()`.
 * @param {any} ctx
 * @param {HTMLElement} action
 * @param {string} prefix
 * @param {{ invitationCode?: string, offerCode?: string }} options
 * @param {() => HTMLElement} card
 */
export function showLinkAction(ctx, action, prefix, options, card) {
  const user = ctx.session.user;
  clear(
    action,
    user
      ? notCustomerAdmin(user, prefix) || card()
      : accountChooser(() => showLinkAction(ctx, action, prefix, options, card), t(`${prefix}.account_intro`), options),
  );
}

export function partnerCard(p, title = t("partner.offered_by")) {
  return h(
    "section",
    { class: "card", "aria-labelledby": "partner-title", "data-testid": "partner-card" },
    h("h2", { id: "partner-title" }, title),
    h("p", {}, h("strong", { "data-testid": "partner-name" }, p.name)),
    h(
      "dl",
      { class: "facts" },
      p.phone ? [h("dt", {}, t("partner.phone")), h("dd", {}, p.phone)] : null,
      p.support_email
        ? [
            h("dt", {}, t("partner.support")),
            h("dd", {}, h("a", { href: `mailto:${p.support_email}` }, p.support_email)),
          ]
        : null,
      p.website
        ? [
            h("dt", {}, t("partner.website")),
            h(
              "dd",
              {},
              /^https?:\/\//.test(p.website)
                ? h("a", { href: p.website, rel: "noopener noreferrer", target: "_blank" }, p.website)
                : p.website,
            ),
          ]
        : null,
      p.address ? [h("dt", {}, t("partner.address")), h("dd", {}, p.address)] : null,
    ),
  );
}

export const roleExplained = (role) => t(`role.explained.${role}`);

/** Approve / decline one pending request, showing partner, role and duration. */
export function decisionCard(request, partnerName, onDone) {
  const box = h(
    "section",
    { class: "card hero", "aria-labelledby": `req-${request.request_id}`, "data-testid": "delegation-decision" },
    h("h2", { id: `req-${request.request_id}` }, t("decision.title")),
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, t("decision.partner")),
      h("dd", {}, partnerName || request.partner_name || t("decision.your_partner")),
      h("dt", {}, t("decision.role")),
      h("dd", {}, roleName(request.role)),
      h("dt", {}, t("decision.duration")),
      h("dd", {}, duration(request.duration_seconds ?? (request.duration ? isoDays(request.duration) * 86400 : null))),
      h("dt", {}, t("decision.decide_by")),
      h("dd", {}, fmtDate(request.expires_at)),
    ),
    h("p", { class: "muted" }, roleExplained(request.role)),
    h("p", { class: "muted small" }, t("decision.nothing_until")),
  );
  const actions = h(
    "div",
    { class: "actions" },
    h("button", { type: "button", onclick: () => decide("approve") }, t("decision.approve")),
    h("button", { type: "button", class: "danger", onclick: () => decide("decline") }, t("decision.decline")),
  );
  box.append(actions);
  /** @param {"approve" | "decline"} what */
  async function decide(what) {
    const ok = await confirmAction(
      what === "approve"
        ? t("decision.approve_confirm", {
            partner: partnerName || t("decision.the_partner"),
            role: roleName(request.role),
          })
        : t("decision.decline_confirm"),
      {
        title: what === "approve" ? t("decision.approve_title") : t("decision.decline_title"),
        ok: what === "approve" ? t("decision.approve") : t("decision.decline"),
        danger: what !== "approve",
      },
    );
    if (!ok) return;
    try {
      await post(`/api/customer/delegation-requests/${request.request_id}/${what}`);
      clear(
        box,
        h("h2", { tabindex: "-1" }, what === "approve" ? t("decision.approved") : t("decision.declined")),
        h("p", {}, what === "approve" ? t("decision.approved_text") : t("decision.declined_text")),
        h("a", { href: "/customer/access" }, t("decision.see_access")),
      );
      box.querySelector("h2").focus();
      announce(what === "approve" ? t("decision.approved_note") : t("decision.declined_note"));
      onDone?.(what);
    } catch (error) {
      announce(error.message, "error");
    }
  }
  return box;
}

function isoDays(iso) {
  const m = /P(\d+)D/.exec(iso || "");
  return m ? Number(m[1]) : 0;
}

/** Wait (briefly, with back-off) for the delegation request a redemption opens. */
export async function findRequest(predicate, tries = 10) {
  for (let i = 0; i < tries; i++) {
    const list = items(await get("/api/customer/delegation-requests"));
    const hit = list.find(predicate);
    if (hit) return hit;
    await new Promise((r) => setTimeout(r, 300 * (i + 1)));
  }
  return null;
}

export function stateBadge(s) {
  return badge(s);
}

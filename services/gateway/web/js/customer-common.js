// Pieces the customer-side pages share: the partner's card and the delegation decision.
import { get, items, post } from "./api.js";
import { announce, badge, clear, confirmAction, h, fmtDate } from "./dom.js";
import { ROLE_TEXT } from "./pages/invitations.js";
import { duration } from "./pages/delegations.js";

export function partnerCard(p, title = "Offered by") {
  return h("section", { class: "card", "aria-labelledby": "partner-title", "data-testid": "partner-card" },
    h("h2", { id: "partner-title" }, title),
    h("p", {}, h("strong", { "data-testid": "partner-name" }, p.name)),
    h("dl", { class: "facts" },
      p.phone ? [h("dt", {}, "Phone"), h("dd", {}, p.phone)] : null,
      p.support_email ? [h("dt", {}, "Support"), h("dd", {}, h("a", { href: `mailto:${p.support_email}` }, p.support_email))] : null,
      p.website ? [h("dt", {}, "Website"), h("dd", {}, /^https?:\/\//.test(p.website) ? h("a", { href: p.website, rel: "noopener noreferrer", target: "_blank" }, p.website) : p.website)] : null,
      p.address ? [h("dt", {}, "Address"), h("dd", {}, p.address)] : null));
}

export const ROLE_EXPLAINED = {
  full: "Full administration: the partner's administrators act as Global admins of your company (users, licences, service requests).",
  limited: "Limited administration: the partner's administrators can reset passwords of your users who are not admins, nothing else.",
};

/** Approve / decline one pending request, showing partner, role and duration. */
export function decisionCard(request, partnerName, onDone) {
  const box = h("section", { class: "card hero", "aria-labelledby": `req-${request.request_id}`, "data-testid": "delegation-decision" },
    h("h2", { id: `req-${request.request_id}` }, "Delegated administration request"),
    h("dl", { class: "facts" },
      h("dt", {}, "Partner"), h("dd", {}, partnerName || request.partner_name || "Your partner"),
      h("dt", {}, "Role"), h("dd", {}, ROLE_TEXT[request.role].split(" (")[0]),
      h("dt", {}, "Duration"), h("dd", {}, duration(request.duration_seconds ?? (request.duration ? isoDays(request.duration) * 86400 : null))),
      h("dt", {}, "Decide by"), h("dd", {}, fmtDate(request.expires_at))),
    h("p", { class: "muted" }, ROLE_EXPLAINED[request.role]),
    h("p", { class: "muted small" }, "The partner gets nothing until you approve. You can revoke the access at any time."));
  const actions = h("div", { class: "actions" },
    h("button", { type: "button", onclick: () => decide("approve") }, "Approve"),
    h("button", { type: "button", class: "danger", onclick: () => decide("decline") }, "Decline"));
  box.append(actions);
  async function decide(what) {
    const ok = await confirmAction(
      what === "approve" ? `${partnerName || "The partner"} will get ${ROLE_TEXT[request.role].split(" (")[0]} of your company.` : "The partner will not get admin access to your company.",
      { title: what === "approve" ? "Approve the request?" : "Decline the request?", ok: what === "approve" ? "Approve" : "Decline", danger: what !== "approve" });
    if (!ok) return;
    try {
      await post(`/api/customer/delegation-requests/${request.request_id}/${what}`);
      clear(box, h("h2", { tabindex: "-1" }, what === "approve" ? "Request approved" : "Request declined"),
        h("p", {}, what === "approve" ? "The partner now has admin access. You can see and revoke it under Partner access." : "The partner has no admin access to your company."),
        h("a", { href: "/customer/access" }, "See partner access"));
      box.querySelector("h2").focus();
      announce(what === "approve" ? "Delegation approved." : "Delegation declined.");
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

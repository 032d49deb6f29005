// Live updates for partner pages: the gateway's server-sent events (GET /api/partner/events).
// Frames are named after the event (`event: TrialInvitationRedeemed`), data = {type, data}.
import { has, t } from "./i18n.js";

const NAMES = [
  "TrialInvitationCreated", "TrialInvitationRevoked", "TrialInvitationRedeemed",
  "PurchaseOfferCreated", "PurchaseOfferWithdrawn", "OfferRedeemed",
  "DelegationRequested", "DelegationOffered", "DelegationApproved", "DelegationDeclined",
  "DelegationRevoked", "DelegationExpired", "DelegationExpiring", "DelegationReplaced",
  "DelegationRequestExpired", "CustomerRegistered", "SubscriptionCreated", "SubscriptionConverted",
  "SubscriptionQuantityChanged", "SubscriptionCancelled", "SubscriptionExpired",
  "SubscriptionSuspended", "SubscriptionReactivated", "LicenceAssigned", "LicenceRemoved",
  "PartnerProfileUpdated", "PartnerUserCreated", "PartnerUserUpdated", "PartnerUserDisabled",
  "PartnerUserEnabled", "UserPasswordReset", "ServiceRequestOpened", "ServiceRequestUpdated",
  "ServiceRequestCommented", "ServiceRequestClosed",
];

let source = null;
const handlers = new Set();
let state = "off";
const stateListeners = new Set();

function setState(s) {
  state = s;
  stateListeners.forEach((fn) => fn(s));
}

function dispatch(name, raw) {
  let payload = {};
  try {
    payload = JSON.parse(raw);
  } catch {
    return;
  }
  handlers.forEach((fn) => fn({ name, type: payload.type, data: payload.data || payload }));
}

export function startLive() {
  if (source || typeof EventSource === "undefined") return;
  source = new EventSource("/api/partner/events");
  source.onopen = () => setState("on");
  source.onerror = () => setState(source && source.readyState === EventSource.CLOSED ? "off" : "reconnecting");
  source.onmessage = (e) => dispatch("message", e.data);
  for (const name of NAMES) source.addEventListener(name, (e) => dispatch(name, e.data));
}

export function stopLive() {
  if (source) source.close();
  source = null;
  setState("off");
}

/** fn({name, type, data}) for every live event; returns the unsubscribe function. */
export function onLive(fn) {
  handlers.add(fn);
  return () => handlers.delete(fn);
}

export function onLiveState(fn) {
  stateListeners.add(fn);
  fn(state);
  return () => stateListeners.delete(fn);
}

/** Calls fn at most once per `ms` while events keep arriving (one refresh per burst). */
export function throttled(fn, ms = 400) {
  let timer = null;
  return (...args) => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      fn(...args);
    }, ms);
  };
}

// Events named in the catalogue as live.<EventName>; any other shows its own name, spaced.
export function describe(event) {
  return has(`live.${event.name}`) ? t(`live.${event.name}`) : event.name.replace(/([a-z])([A-Z])/g, "$1 $2");
}

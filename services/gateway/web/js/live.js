// Live updates for every signed-in page: the gateway's server-sent events (GET /api/events),
// one stream per user with every event naming the user's company. Every frame is
// `event: message` with data = {type, name, id, time, data}; the browser keeps no list of
// event names. A reconnect resumes after the last id seen; `event: reset` means events were
// missed, so every subscriber reloads (it gets {reset: true}).
import { engaged } from "./dom.js";
import { has, t } from "./i18n.js";

const PATH = "/api/events";
let source = null;
let lastId = "";
const subscribers = new Set();
let state = "off";
const stateListeners = new Set();

function setState(s) {
  state = s;
  stateListeners.forEach((fn) => fn(s));
}

function deliver(event) {
  subscribers.forEach(({ fn, matches }) => {
    if (event.reset || matches(event)) fn(event);
  });
}

function received(e) {
  if (e.lastEventId) lastId = e.lastEventId;
  let payload;
  try {
    payload = JSON.parse(e.data);
  } catch {
    return;
  }
  deliver({ name: payload.name, type: payload.type, data: payload.data || {} });
}

/** Opens the stream; after stopLive({ keepPosition: true }) it resumes where it stopped. */
export function startLive() {
  if (source || typeof EventSource === "undefined") return;
  // The browser's own reconnects send Last-Event-ID; a new EventSource says it in the query.
  source = new EventSource(lastId ? `${PATH}?after=${encodeURIComponent(lastId)}` : PATH);
  source.onopen = () => setState("on");
  source.onerror = () => setState(source && source.readyState === EventSource.CLOSED ? "off" : "reconnecting");
  source.addEventListener("message", received);
  source.addEventListener("ready", (e) => {
    if (e.lastEventId) lastId = e.lastEventId;
  });
  source.addEventListener("reset", (e) => {
    if (e.lastEventId) lastId = e.lastEventId;
    deliver({ name: "reset", type: null, data: {}, reset: true });
  });
}

/** Closes the stream; a sign-out forgets the position (the next user starts afresh). */
export function stopLive({ keepPosition = false } = {}) {
  if (source) source.close();
  source = null;
  if (!keepPosition) lastId = "";
  setState("off");
}

// A filter is a predicate, or an object whose every key must equal the event's field of that
// name (`name`, `type`, or a field of its data such as `customer_id`); a RegExp value tests it.
function matcher(filter) {
  if (!filter) return () => true;
  if (typeof filter === "function") return filter;
  return (event) =>
    Object.entries(filter).every(([key, want]) => {
      const value = key === "name" || key === "type" ? event[key] : event.data[key];
      return want instanceof RegExp ? want.test(String(value ?? "")) : value === want;
    });
}

/** fn({name, type, data}) for every live event that matches `filter` (and {reset: true} when
 * events may have been missed); returns the unsubscribe function. */
export function onLive(fn, filter) {
  const entry = { fn, matches: matcher(filter) };
  subscribers.add(entry);
  return () => subscribers.delete(entry);
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

/**
 * Keeps `region` current with the events matching `filter`: `refresh(quiet)` runs once per burst
 * of them, but never under the user's hands. While the user is at work in the region (a field
 * focused or changed, a disclosure or a dialog open: dom.engaged) the refresh waits, and is tried
 * again each second. A refresh fetches before it draws, and the user may start in between: it
 * draws only if quiet() still holds then, and answers false if it did not draw (tried again).
 * Returns the unsubscribe function.
 * @param {Element | Element[]} region
 * @param {(quiet: () => boolean) => unknown} refresh
 * @param {Parameters<typeof onLive>[1]} filter
 */
export function liveRegion(region, refresh, filter, ms = 600) {
  const regions = Array.isArray(region) ? region : [region];
  const quiet = () => !regions.some(engaged);
  let waiting = null;
  let stopped = false;
  const later = () => {
    if (!stopped) waiting = setTimeout(attempt, 1000);
  };
  async function attempt() {
    waiting = null;
    if (!quiet()) return later();
    if ((await refresh(quiet)) === false) later();
  }
  const stop = onLive(
    throttled(() => waiting || attempt(), ms),
    filter,
  );
  return () => {
    stopped = true;
    clearTimeout(waiting);
    stop();
  };
}

// Events named in the catalogue as live.<EventName>; any other shows its own name, spaced.
export function describe(event) {
  return has(`live.${event.name}`) ? t(`live.${event.name}`) : event.name.replace(/([a-z])([A-Z])/g, "$1 $2");
}

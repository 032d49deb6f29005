// The portal's languages. One message catalogue per language (/static/i18n/<lang>.json,
// also read by the gateway for its e-mails); every text a page shows comes from it.
// Placeholders are {name}; plurals are keys ending .one/.other (Intl.PluralRules decides).

export const LANGUAGES = ["en", "it"];
let lang = "en";
let messages = {};

/** Loads a catalogue and makes it the page's language (sets <html lang>). */
export async function useLanguage(language) {
  const wanted = LANGUAGES.includes(language) ? language : "en";
  const response = await fetch(`/static/i18n/${wanted}.json`, { credentials: "same-origin" });
  messages = await response.json();
  lang = wanted;
  document.documentElement.lang = wanted;
  translateStatic();
}

export const language = () => lang;

/** The locale for Intl: the browser's own variant of the chosen language (en-GB, it-CH), else the language. */
export function locale() {
  const own = (navigator.languages || []).find((l) => l.toLowerCase().split("-")[0] === lang);
  return own || lang;
}

export function has(key) {
  return Object.prototype.hasOwnProperty.call(messages, key);
}

function fill(text, params) {
  return text.replace(/\{(\w+)\}/g, (whole, name) => {
    if (!(name in params)) return whole;
    const v = params[name];
    return typeof v === "number" ? fmtNumber(v) : String(v);
  });
}

/** The text of `key` with its {placeholders} filled; the key itself when missing (a visible bug). */
export function t(key, params = {}) {
  return has(key) ? fill(messages[key], params) : key;
}

/** A counted text: `key.one`, `key.other` (or any CLDR category), `count` filled in as {count}. */
export function tn(key, count, params = {}) {
  const category = new Intl.PluralRules(locale()).select(count);
  const hit = has(`${key}.${category}`) ? `${key}.${category}` : `${key}.other`;
  return t(hit, { ...params, count });
}

export function fmtNumber(n, opts) {
  return new Intl.NumberFormat(locale(), opts).format(n);
}

/** The index page's own texts: elements marked data-i18n (text) or data-i18n-aria (aria-label). */
function translateStatic() {
  /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll("[data-i18n]")).forEach(
    (el) => (el.textContent = t(el.dataset.i18n)),
  );
  /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll("[data-i18n-aria]")).forEach((el) =>
    el.setAttribute("aria-label", t(el.dataset.i18nAria)),
  );
}

/** An audited action's name (reset_password) as the catalogue says it, else spaced. */
export function auditAction(action) {
  return has(`audit.do.${action}`) ? t(`audit.do.${action}`) : String(action).replace(/_/g, " ");
}

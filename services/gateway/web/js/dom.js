// Small DOM helpers. Text from the API only ever becomes text nodes (never innerHTML).
import { has, locale, t } from "./i18n.js";

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") el.className = v;
    else if (k === "for") el.htmlFor = v;
    else if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    // The drawn value is also the default one: a field the user has not changed is not dirty
    // (see engaged) and a form's reset() goes back to it.
    else if (k === "value") el.defaultValue = el.value = v;
    else if (k === "checked") el.defaultChecked = el.checked = Boolean(v);
    else if (k === "dataset") Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/**
 * A button that opens and closes what it names (aria-expanded): opened, `slot` shows what
 * `content()` makes (awaited) and the first `focus` element in it takes the focus; closed,
 * `slot` is emptied. `slot` may be found from the button when it is clicked.
 * @param {string} label
 * @param {HTMLElement | ((button: HTMLElement) => HTMLElement)} slot
 * @param {() => unknown} content
 * @param {{ cls?: string, focus?: string }} [options]
 */
export function disclosure(label, slot, content, { cls = "secondary", focus } = {}) {
  const button = h(
    "button",
    {
      type: "button",
      class: cls,
      "aria-expanded": "false",
      onclick: async () => {
        const open = button.getAttribute("aria-expanded") !== "true";
        button.setAttribute("aria-expanded", String(open));
        const where = typeof slot === "function" ? slot(button) : slot;
        if (!open) return clear(where);
        clear(where, await content());
        if (focus) /** @type {HTMLElement | null} */ (where.querySelector(focus))?.focus();
      },
    },
    label,
  );
  return button;
}

/** Whether a form control's value is no longer the one it was drawn with. */
function changed(el) {
  if (el instanceof HTMLSelectElement) {
    const options = [...el.options];
    const drawn = Math.max(
      0,
      options.findIndex((o) => o.defaultSelected),
    );
    return el.multiple ? options.some((o) => o.selected !== o.defaultSelected) : el.selectedIndex !== drawn;
  }
  if (el instanceof HTMLInputElement && (el.type === "checkbox" || el.type === "radio"))
    return el.checked !== el.defaultChecked;
  const text = /** @type {HTMLInputElement | HTMLTextAreaElement} */ (el);
  return text.value !== text.defaultValue;
}

/**
 * Whether the user is at work in `region`, so that redrawing it would take something from under
 * their hands: a dialog is open, or one of the region's fields has the focus or a changed value,
 * or one of its disclosures is open.
 * @param {Element} region
 */
export function engaged(region) {
  if (document.querySelector("dialog[open]")) return true;
  const active = document.activeElement;
  if (active && region.contains(active) && active.matches("input, select, textarea")) return true;
  if (region.querySelector('[aria-expanded="true"]')) return true;
  return [...region.querySelectorAll("input, select, textarea")].some(changed);
}

let uid = 0;
export const nextId = (prefix = "f") => `${prefix}-${++uid}`;

/**
 * A labelled form control with its hint and error slot.
 * opts: {name, label, type, value, required, hint, options: [[value, text]], min, max, ...}
 */
export function field(opts) {
  const id = opts.id || nextId(opts.name.replace(/\W/g, "-"));
  const errorId = `${id}-error`;
  const hintId = opts.hint ? `${id}-hint` : undefined;
  const common = {
    id,
    name: opts.name,
    required: opts.required,
    "aria-describedby": [hintId, errorId].filter(Boolean).join(" "),
    autocomplete: opts.autocomplete,
  };
  let control;
  if (opts.options) {
    control = h(
      "select",
      common,
      opts.options.map(([v, text]) =>
        h(
          "option",
          { value: v, selected: opts.value !== undefined && opts.value !== null && v === String(opts.value) },
          text,
        ),
      ),
    );
  } else if (opts.type === "textarea") {
    control = h("textarea", { ...common, rows: opts.rows || 4, placeholder: opts.placeholder }, opts.value || "");
  } else if (opts.type === "checkbox") {
    control = h("input", { ...common, type: "checkbox", checked: opts.value });
    return h(
      "div",
      { class: "field check" },
      control,
      h(
        "div",
        {},
        h("label", { for: id }, opts.label),
        opts.hint ? h("span", { class: "hint", id: hintId }, opts.hint) : null,
        h("span", { class: "error", id: errorId }),
      ),
    );
  } else {
    control = h("input", {
      ...common,
      type: opts.type || "text",
      value: opts.value ?? "",
      min: opts.min,
      max: opts.max,
      step: opts.step,
      minlength: opts.minlength,
      maxlength: opts.maxlength,
      placeholder: opts.placeholder,
      inputmode: opts.inputmode,
    });
  }
  return h(
    "div",
    { class: "field" },
    h("label", { for: id }, opts.label),
    control,
    opts.hint ? h("span", { class: "hint", id: hintId }, opts.hint) : null,
    h("span", { class: "error", id: errorId }),
  );
}

/**
 * A whole count the API takes from 1 to a million (seats, licences), as `field` with `opts`.
 * @param {Record<string, any>} opts
 */
export function countField(opts) {
  return field({ type: "number", min: 1, max: 1000000, inputmode: "numeric", ...opts });
}

/** Fields side by side: one row of a form. */
export function formRow(...fields) {
  return h("div", { class: "form-row" }, ...fields);
}

/**
 * A form with a top alert slot; onSubmit(values, form) may throw ApiError.
 * @param {Record<string, unknown>} attrs
 * @param {unknown[]} children
 * @param {(values: any, form: HTMLFormElement) => Promise<void>} onSubmit the values by field name
 * @param {{ submitLabel?: string, fieldMap?: Record<string, string>, extraButtons?: Node[] }} [options]
 */
export function form(
  attrs,
  children,
  onSubmit,
  { submitLabel = t("common.save"), fieldMap = {}, extraButtons = [] } = {},
) {
  const alert = h("div", { class: "alert error", role: "alert" });
  const submit = h("button", { type: "submit" }, submitLabel);
  const el = h(
    "form",
    { novalidate: true, ...attrs },
    alert,
    children,
    h("div", { class: "actions" }, submit, extraButtons),
  );
  el.addEventListener("input", (event) => {
    const c = event.target;
    if (c.getAttribute && c.getAttribute("aria-invalid")) {
      c.removeAttribute("aria-invalid");
      const slot = document.getElementById(`${c.id}-error`);
      if (slot) slot.textContent = "";
    }
  });
  el.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(el);
    if (!checkRequired(el)) return;
    submit.disabled = true;
    try {
      await onSubmit(values(el), el);
    } catch (error) {
      showProblem(el, error, fieldMap);
    } finally {
      submit.disabled = false;
    }
  });
  return el;
}

export function values(formEl) {
  const out = {};
  for (const el of formEl.elements) {
    if (!el.name) continue;
    out[el.name] = el.type === "checkbox" ? el.checked : el.value.trim();
  }
  return out;
}

function setError(control, message) {
  control.setAttribute("aria-invalid", "true");
  const slot = document.getElementById(`${control.id}-error`);
  if (slot) slot.textContent = message;
}

export function clearErrors(formEl) {
  formEl.querySelectorAll("[aria-invalid]").forEach((c) => c.removeAttribute("aria-invalid"));
  formEl.querySelectorAll(".error").forEach((e) => (e.textContent = ""));
  const alert = formEl.querySelector(".alert.error");
  if (alert) alert.textContent = "";
}

/** Browser-side checks before sending: required, e-mail shape, number bounds. */
function checkRequired(formEl) {
  let first = null;
  for (const c of formEl.elements) {
    if (!c.name || c.disabled) continue;
    const v = c.type === "checkbox" ? "x" : c.value.trim();
    let msg = "";
    if (c.required && !v) msg = t("form.required");
    else if (v && c.type === "email" && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v)) msg = t("form.email");
    else if (v && c.type === "number") {
      const n = Number(v);
      if (!Number.isInteger(n)) msg = t("form.whole_number");
      else if (c.min !== "" && n < Number(c.min)) msg = t("form.at_least", { min: Number(c.min) });
      else if (c.max !== "" && n > Number(c.max)) msg = t("form.at_most", { max: Number(c.max) });
    }
    if (msg) {
      setError(c, msg);
      first = first || c;
    }
  }
  if (first) {
    first.focus();
    return false;
  }
  return true;
}

/**
 * Shows a problem: each errors[].loc next to its field (loc ["body", "admin", "email"] -> name
 * "admin.email"), a rejection code through fieldMap {code: fieldName}, the rest on top.
 */
export function showProblem(formEl, error, fieldMap = {}) {
  const problem = (error && error.problem) || { detail: String(error) };
  const alert = formEl.querySelector(".alert.error");
  let placed = 0;
  let first = null;
  for (const e of problem.errors || []) {
    if (!Array.isArray(e.loc)) continue;
    const path = e.loc.filter((p) => p !== "body").join(".");
    const control = findControl(formEl, path);
    if (control) {
      setError(control, humanMessage(e));
      first = first || control;
      placed++;
    }
  }
  const mapped = problem.code && fieldMap[problem.code];
  if (mapped) {
    const control = findControl(formEl, mapped);
    if (control) {
      setError(control, problem.detail);
      first = first || control;
      placed++;
    }
  }
  if (alert) {
    alert.textContent = placed ? t("form.correct_fields") : problem.detail || problem.title || t("form.failed");
  }
  (first || alert)?.focus?.();
  if (!first && alert) alert.scrollIntoView({ block: "nearest" });
}

function findControl(formEl, path) {
  for (const c of formEl.elements) if (c.name === path) return c;
  // A list index (lines.0.quantity) may be named lines[0].quantity or the row's data-path.
  const el = formEl.querySelector(`[data-path="${CSS.escape(path)}"]`);
  return el && !el.name ? el.querySelector("input, select, textarea") : el;
}

// The API's field errors are pydantic's English: a known type gets the catalogue's text.
function humanMessage(e) {
  const ctx = e.ctx || {};
  if (e.type === "string_too_short" && ctx.min_length !== undefined)
    return t("form.min_length", { min: Number(ctx.min_length) });
  if (/^value is not a valid email address/.test(String(e.msg || ""))) return t("form.valid_email");
  if (e.type && has(`form.error.${e.type}`)) return t(`form.error.${e.type}`);
  const msg = String(e.msg || t("form.invalid"));
  return msg.endsWith(".") ? msg : msg + ".";
}

/**
 * An element of the page's shell (index.html) by id: a missing one is a bug, and is said so.
 * @param {string} id
 * @returns {HTMLElement}
 */
export function byId(id) {
  const el = document.getElementById(id);
  if (!el) throw new Error(`index.html has no #${id}`);
  return el;
}

/** A toast in the global aria-live region. */
export function announce(message, kind = "ok") {
  const status = byId("status");
  const toast = h("div", { class: `toast ${kind}` }, message);
  status.append(toast);
  setTimeout(() => toast.remove(), 6000);
}

/** The accessible confirmation dialog; resolves true when confirmed. */
export function confirmAction(text, { title = t("confirm.title"), ok = t("confirm.ok"), danger = false } = {}) {
  const dialog = /** @type {HTMLDialogElement} */ (byId("confirm"));
  byId("confirm-title").textContent = title;
  byId("confirm-text").textContent = text;
  const okButton = byId("confirm-ok");
  okButton.textContent = ok;
  okButton.className = danger ? "danger" : "";
  const opener = /** @type {HTMLElement | null} */ (document.activeElement);
  return new Promise((resolve) => {
    dialog.addEventListener(
      "close",
      () => {
        resolve(dialog.returnValue === "ok");
        opener?.focus?.();
      },
      { once: true },
    );
    dialog.returnValue = "";
    dialog.showModal();
    okButton.focus();
  });
}

/**
 * A button that asks before it acts: the confirmation dialog shows `text` under `title` with
 * the button's own label as its OK, then `act` runs; a refusal is announced as an error.
 * @param {string} label
 * @param {{text: string, title: string, danger?: boolean, testid?: string}} ask
 * @param {() => Promise<unknown>} act
 */
export function confirmedButton(label, { text, title, danger = true, testid }, act) {
  const attrs = {
    type: "button",
    class: danger ? "danger" : "secondary",
    onclick: async () => {
      if (!(await confirmAction(text, { title, ok: label, danger }))) return;
      try {
        await act();
      } catch (error) {
        announce(error.message, "error");
      }
    },
  };
  return h("button", testid ? { ...attrs, "data-testid": testid } : attrs, label);
}

export function empty(title, text, action) {
  return h("div", { class: "empty" }, h("strong", {}, title), h("p", {}, text), action || null);
}

export function fmtDate(iso, withTime = false) {
  if (!iso) return "—";
  const d = new Date(iso);
  /** @type {Intl.DateTimeFormatOptions} */
  const opts = withTime ? { dateStyle: "medium", timeStyle: "short" } : { dateStyle: "medium" };
  return new Intl.DateTimeFormat(locale(), opts).format(d);
}

const BADGES = {
  active: "good",
  approved: "good",
  trial: "accent",
  pending: "warn",
  open: "warn",
  revoked: "bad",
  withdrawn: "bad",
  declined: "bad",
  expired: "bad",
  exhausted: "bad",
  cancelled: "bad",
  suspended: "warn",
  disabled: "bad",
  closed: "",
  resolved: "good",
};
export function badge(text) {
  return h(
    "span",
    { class: `badge ${BADGES[text] || ""}` },
    has(`state.${text}`) ? t(`state.${text}`) : String(text).replace(/_/g, " "),
  );
}

/**
 * @param {any[]} columns
 * @param {any[]} rows
 * @param {{ caption?: string, stack?: boolean }} [options]
 */
export function table(columns, rows, { caption, stack = true } = {}) {
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: stack ? "stack" : "" },
      caption ? h("caption", { class: "muted small", style: null }, caption) : null,
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          columns.map((c) => h("th", { scope: "col" }, c)),
        ),
      ),
      h(
        "tbody",
        {},
        rows.map((cells) =>
          h(
            "tr",
            {},
            cells.map((cell, i) => h("td", { "data-label": columns[i] }, cell)),
          ),
        ),
      ),
    ),
  );
}

/** A URL with a Copy button (the Clipboard API, or selecting the text as a fallback). */
export function urlBox(url, label = t("share.link")) {
  const id = nextId("url");
  const input = h("input", { id, type: "text", value: url, readonly: true, "data-testid": "share-url" });
  const button = h(
    "button",
    {
      type: "button",
      class: "secondary",
      onclick: async () => {
        input.select();
        try {
          await navigator.clipboard.writeText(url);
        } catch {
          document.execCommand?.("copy");
        }
        button.textContent = t("share.copied");
        announce(t("share.copied_note"));
      },
    },
    t("share.copy"),
  );
  return h("div", { class: "field" }, h("label", { for: id }, label), h("div", { class: "url-box" }, input, button));
}

/**
 * "Load more" for a list answered as {items, next_cursor}: the opaque cursor goes back as
 * `cursor`. Returns the loader of the first page; given `quiet`, it draws only if quiet() still
 * holds once the page has arrived, and answers whether it drew (see liveRegion).
 */
export function pager(load, renderItems, container) {
  const more = h("div", { class: "pager" });
  async function page(cursor, quiet) {
    const answer = await load(cursor ? { cursor } : {});
    if (quiet && !quiet()) return false;
    renderItems(answer.items || answer, Boolean(cursor));
    const next = answer && answer.next_cursor;
    clear(
      more,
      next
        ? h("button", { type: "button", class: "secondary", onclick: () => page(next) }, t("common.load_more"))
        : null,
    );
    return true;
  }
  container.append(more);
  return (quiet) => page(null, quiet);
}

/**
 * A table read a page at a time into `container` (see pager): each item of `load`'s answers a
 * row by `rowOf` under `columns`; `none()` shows while there is no item. Returns the loader
 * of the first page.
 * @param {HTMLElement} container
 * @param {(params: Record<string, string>) => Promise<any>} load
 * @param {unknown[]} columns
 * @param {(item: any) => unknown[]} rowOf
 * @param {() => Node} none
 */
export function pagedTable(container, load, columns, rowOf, none) {
  const slot = h("div", { class: "table-slot" });
  container.append(slot);
  let rows = [];
  return pager(
    load,
    (items, more) => {
      rows = more ? rows.concat(items) : items;
      clear(slot, rows.length ? table(columns, rows.map(rowOf)) : none());
    },
    container,
  );
}

export function shortId(id) {
  return String(id || "").slice(0, 8);
}

// Progressive enhancement only: every page works without this file.
"use strict";

function debounce(fn, ms) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

async function getJSON(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
  return response.ok ? response.json() : [];
}

// Organisation pickers: suggestions from the registry in a native <datalist>, which
// browsers and screen readers already know how to offer.
function enhancePicker(picker, n) {
  const input = picker.querySelector("input[type=text]");
  if (!input) return;
  const list = document.createElement("datalist");
  list.id = `organisation-options-${n}`;
  picker.appendChild(list);
  input.setAttribute("list", list.id);
  input.addEventListener("input", debounce(async () => {
    const q = input.value.trim();
    if (q.length < 2) return;
    const results = await getJSON(`${picker.dataset.lookup}?q=${encodeURIComponent(q)}`);
    list.replaceChildren(...results.map((o) => {
      const option = document.createElement("option");
      option.value = o.name_en;
      option.label = [o.name_zh, o.place].filter(Boolean).join(" – ");
      return option;
    }));
  }, 200));
}

// The new-organisation form: say while typing which registry entries look the same.
function enhanceDuplicateCheck(box) {
  const output = box.querySelector("[data-duplicate-output]");
  const fields = ["name_en", "name_zh", "pinyin"].map((id) => box.querySelector(`#${id}`));
  const check = debounce(async () => {
    const params = new URLSearchParams();
    fields.forEach((f) => f && params.set(f.id, f.value));
    if (![...params.values()].some((v) => v.trim().length >= 2)) {
      output.replaceChildren();
      return;
    }
    const exclude = Number(box.dataset.exclude || 0);
    const results = (await getJSON(`${box.dataset.suggest}?${params}`)).filter((o) => o.id !== exclude);
    if (!results.length) {
      output.replaceChildren();
      return;
    }
    const intro = document.createElement("p");
    intro.textContent = box.dataset.intro || "";
    const ul = document.createElement("ul");
    for (const o of results) {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = o.url;
      a.textContent = o.name_en;
      li.appendChild(a);
      if (o.name_zh) {
        const zh = document.createElement("span");
        zh.lang = "zh";
        zh.textContent = ` ${o.name_zh}`;
        li.appendChild(zh);
      }
      ul.appendChild(li);
    }
    output.replaceChildren(intro, ul);
  }, 300);
  fields.forEach((f) => f && f.addEventListener("input", check));
}

// Minutes: keep what is typed in this browser until the server has it, so that a session
// that expired while typing (or a lost connection) loses nothing: after logging in again
// the page offers the text back. The key carries the version the form was loaded at.
function enhanceDraft(form) {
  const key = `c21-draft:${form.dataset.draftKey}`;
  const prefix = key.replace(/-v\d+$/, "-v");
  const status = form.querySelector("[data-draft-status]");
  const fields = [...form.querySelectorAll("textarea")];
  for (let i = localStorage.length - 1; i >= 0; i--) {
    const k = localStorage.key(i);
    if (k && k.startsWith(prefix) && k !== key) localStorage.removeItem(k);
  }
  const saved = JSON.parse(localStorage.getItem(key) || "null");
  if (saved && fields.some((f) => (saved.values[f.name] ?? f.value) !== f.value)) {
    fields.forEach((f) => { if (f.name in saved.values) f.value = saved.values[f.name]; });
    // The message comes translated from the page, the time written as the page's language does.
    const when = new Date(saved.at).toLocaleString(document.documentElement.lang || undefined);
    if (status) status.textContent = (form.dataset.draftRestored || "{when}").replace("{when}", when);
  }
  const store = debounce(() => {
    const values = Object.fromEntries(fields.map((f) => [f.name, f.value]));
    localStorage.setItem(key, JSON.stringify({ at: Date.now(), values }));
  }, 300);
  fields.forEach((f) => f.addEventListener("input", store));
}

// Agenda: drag and drop as an enhancement of the move buttons. A top-level item moves with
// its sub-items; a sub-item moves among the sub-items of its item. The new order is sent
// as one form post, so the server checks it whole.
function enhanceReorder(body) {
  let dragged = null;
  const rows = () => [...body.querySelectorAll("tr[data-item-id]")];
  const group = (row) => {
    if (row.dataset.parentId) return [row];
    const children = rows().filter((r) => r.dataset.parentId === row.dataset.itemId);
    return [row, ...children];
  };
  for (const row of rows()) {
    row.draggable = true;
    row.addEventListener("dragstart", (e) => {
      dragged = row;
      row.classList.add("dragging");
      e.dataTransfer.effectAllowed = "move";
    });
    row.addEventListener("dragend", () => row.classList.remove("dragging"));
    row.addEventListener("dragover", (e) => {
      if (dragged && dragged !== row && dragged.dataset.parentId === row.dataset.parentId) e.preventDefault();
    });
    row.addEventListener("drop", (e) => {
      e.preventDefault();
      if (!dragged || dragged === row) return;
      const before = rows().indexOf(dragged) > rows().indexOf(row);
      const moving = group(dragged);
      const anchor = before ? row : group(row).at(-1).nextSibling;
      moving.forEach((r) => body.insertBefore(r, anchor));
      const form = document.createElement("form");
      form.method = "post";
      form.action = body.dataset.reorderUrl;
      const order = rows().map((r) => `${r.dataset.itemId}:${r.dataset.parentId || ""}`).join(",");
      for (const [name, value] of [["csrf_token", body.dataset.csrf], ["order", order]]) {
        const input = document.createElement("input");
        input.type = "hidden";
        input.name = name;
        input.value = value;
        form.appendChild(input);
      }
      document.body.appendChild(form);
      form.submit();
    });
  }
}

document.addEventListener("DOMContentLoaded", () => {
  // Move focus to a form's error summary so that screen readers announce the problems.
  const summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
  // Select a one-time link in full when it gets focus, ready to copy.
  for (const input of document.querySelectorAll("[data-select-on-focus]")) {
    input.addEventListener("focus", () => input.select());
  }
  document.querySelectorAll("[data-organisation-picker]").forEach(enhancePicker);
  document.querySelectorAll("[data-duplicate-check]").forEach(enhanceDuplicateCheck);
  document.querySelectorAll("form[data-draft-key]").forEach(enhanceDraft);
  document.querySelectorAll("tbody[data-reorder-url]").forEach(enhanceReorder);
});

// People pickers: the matches for what is typed come while typing, as checkboxes added to
// the list (the chosen ones stay); "Find" is then not needed to send the form back.
function enhancePeoplePicker(picker) {
  const input = picker.querySelector("input[type=text]");
  const find = picker.querySelector("[data-people-find]");
  const status = picker.querySelector("[data-people-status]");
  let list = picker.querySelector("fieldset ul");
  if (!input || !find || !list) return;
  find.type = "button";
  const name = "contacts";
  const search = async () => {
    const q = input.value.trim();
    if (q.length < 2) return;
    const url = `${picker.dataset.lookup}${picker.dataset.lookup.includes("?") ? "&" : "?"}q=${encodeURIComponent(q)}`;
    const results = await getJSON(url);
    // Keep what is ticked; replace the earlier matches that were not.
    for (const box of list.querySelectorAll("input[type=checkbox]:not(:checked)")) {
      box.closest("li").remove();
    }
    const present = new Set([...list.querySelectorAll("input[type=checkbox]")].map((b) => b.value));
    let added = 0;
    for (const person of results) {
      if (present.has(String(person.id))) continue;
      const li = document.createElement("li");
      const box = document.createElement("input");
      box.type = "checkbox";
      box.name = name;
      box.value = person.id;
      box.id = `${list.id}-found-${person.id}`;
      const label = document.createElement("label");
      label.htmlFor = box.id;
      label.textContent = person.label;
      li.append(box, " ", label);
      list.appendChild(li);
      added += 1;
    }
    const empty = picker.querySelector("[data-people-empty]");
    if (empty && list.children.length) empty.hidden = true;
    const message = added === 1 ? picker.dataset.foundOne : picker.dataset.foundMany;
    status.textContent = (message || "{num}").replace("{num}", added);
  };
  input.addEventListener("input", debounce(search, 250));
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      e.preventDefault();
      search();
    }
  });
  find.addEventListener("click", search);
}
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-people-picker]").forEach(enhancePeoplePicker);
});

// The main menu on a phone: a disclosure button (the list stays open on wider screens and
// whenever this script does not run).
function enhanceMenu(button) {
  const menu = document.getElementById(button.getAttribute("aria-controls"));
  if (!menu) return;
  const narrow = window.matchMedia("(max-width: 48rem)");
  const apply = () => {
    button.hidden = !narrow.matches;
    const open = !narrow.matches || button.getAttribute("aria-expanded") === "true";
    menu.classList.toggle("collapsed", !open);
  };
  button.addEventListener("click", () => {
    const open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(open));
    apply();
  });
  narrow.addEventListener("change", apply);
  apply();
}
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".menu-button").forEach(enhanceMenu);
});

// Back on the agenda after moving an item (#item-N): focus goes to the moved item, where
// the keyboard user left off, and the message "... was moved" is announced (a live region
// that is filled after the page has loaded, which screen readers do read).
function focusMovedItem() {
  const match = window.location.hash.match(/^#item-(\d+)$/);
  if (!match) return;
  const row = document.getElementById(`item-${match[1]}`);
  if (!row || !row.classList.contains("agenda-row")) return;
  if (document.querySelector("[data-error-summary]")) return;  // the problem comes first
  row.tabIndex = -1;
  row.focus();
  const flash = document.querySelector(".flashes .flash");
  if (!flash) return;
  const live = document.createElement("div");
  live.setAttribute("role", "status");
  live.className = "visually-hidden";
  live.dataset.announce = "";
  document.body.appendChild(live);
  setTimeout(() => { live.textContent = flash.textContent; }, 150);
}
document.addEventListener("DOMContentLoaded", focusMovedItem);

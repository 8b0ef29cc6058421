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
    intro.textContent = "Already in the registry? Check these before adding:";
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
});

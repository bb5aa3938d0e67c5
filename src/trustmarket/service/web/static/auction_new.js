// Open an auction: the advisor narrows the mechanisms, the form sends the API's NewAuction.
"use strict";

const mechanismSelect = document.querySelector("#create-mechanism");

function showSettings() {
  for (const box of document.querySelectorAll("fieldset.config")) {
    box.hidden = box.dataset.mechanism !== mechanismSelect.value;
  }
}

function offer(mechanisms) {
  let first = null;
  for (const option of mechanismSelect.options) {
    const advised = mechanisms.includes(option.value);
    option.hidden = !advised;
    option.disabled = !advised;
    if (advised && first === null) first = option.value;
  }
  if (!mechanisms.includes(mechanismSelect.value) && first !== null) mechanismSelect.value = first;
  showSettings();
}

tm.onSubmit("#advisor", async (data, form) => {
  const params = new URLSearchParams({
    sides: data.sides,
    goods: data.goods,
    divisible: form.querySelector("#setting-divisible").checked ? "true" : "false",
    fragment: "advice",
  });
  const response = await fetch(`/auctions/new?${params}`, { credentials: "same-origin" });
  const html = await response.text();
  const target = document.querySelector("#advice");
  if (!response.ok) {
    const holder = document.createElement("div");
    holder.innerHTML = html;
    throw new Error(holder.textContent.trim());
  }
  target.innerHTML = html;
  const list = target.querySelector("[data-mechanisms]").dataset.mechanisms;
  offer(list ? list.split(",") : []);
});

mechanismSelect.addEventListener("change", showSettings);

function goods(text) {
  return text
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "")
    .map((part) => {
      const [name, units] = part.split(":").map((s) => s.trim());
      if (units === undefined) return { name };
      return { name, units: /^\d+$/.test(units) ? Number(units) : units };
    });
}

tm.onSubmit("#create", async (data, form) => {
  const mechanism = data.mechanism;
  const config = {};
  const box = form.querySelector(`fieldset.config[data-mechanism="${mechanism}"]`);
  if (box) {
    for (const input of box.querySelectorAll("[data-kind]")) {
      const text = input.value.trim();
      if (text === "") continue;
      if (input.dataset.kind === "integer") config[input.name] = /^\d+$/.test(text) ? Number(text) : text;
      else if (input.dataset.kind === "goods") config[input.name] = goods(text);
      else config[input.name] = text;
    }
  }
  let rules;
  try {
    rules = JSON.parse(data.rules || "{}");
  } catch (_) {
    throw new Error('rules: not valid JSON; write an object such as {"reveal_during": "none"}');
  }
  if (data.close_when && rules.close_when === undefined && data.close_when !== "on_clear") {
    rules.close_when = data.close_when;
  }
  const minutes = data.duration;
  if (!/^\d+$/.test(minutes) || Number(minutes) < 1) {
    throw new Error("open for: a whole number of minutes, at least 1");
  }
  const created = await tm.api("POST", "/api/auctions", {
    mechanism,
    currency: data.currency,
    title: data.title || null,
    duration: Number(minutes) * 60,
    config,
    rules,
  });
  window.location.assign(`/auctions/${created.auction_id}`);
});

showSettings();

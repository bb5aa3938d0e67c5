// One safe exchange, as a party sees it: accept, confirm the plan's next action, abandon.
// The exchange's stream (GET /api/exchanges/{id}/stream) says when the other party acted; the
// page then asks for its live part and redraws it only when the exchange moved on.
"use strict";

(() => {
  const section = document.querySelector("#exchange");
  const base = `/api/exchanges/${encodeURIComponent(section.dataset.exchange)}`;
  const error = document.querySelector("#exchange-error");
  const notice = document.querySelector("#exchange-notice");
  const manual = document.querySelector("#manual-action");

  function state(root) {
    const status = root.querySelector("#exchange-status");
    return status ? `${status.dataset.status}/${root.querySelector("#exchange-progress").textContent}` : "";
  }

  function localTimes() {
    for (const el of section.querySelectorAll("time[data-unix]")) {
      el.textContent = new Date(Number(el.dataset.unix) * 1000).toLocaleString();
    }
  }

  function status() {
    const box = section.querySelector("#exchange-status");
    return box ? box.dataset.status : "";
  }

  async function refresh() {
    const response = await fetch(section.dataset.live, { credentials: "same-origin", headers: { Accept: "text/html" } });
    if (!response.ok) return;
    const holder = document.createElement("div");
    holder.innerHTML = await response.text();
    if (state(holder) === state(section)) return; // nothing moved: keep focus and messages
    section.innerHTML = holder.innerHTML;
    if (manual) manual.hidden = status() !== "active";
    localTimes();
  }

  const events = new EventSource(section.dataset.events, { withCredentials: true });
  events.addEventListener("open", () => section.setAttribute("data-connected", "true"));
  events.addEventListener("changed", () => refresh());

  function say(message, kind) {
    error.textContent = kind === "error" ? message : "";
    notice.textContent = kind === "notice" ? message : "";
  }

  section.addEventListener("click", async (event) => {
    const button = event.target.closest("button[data-path]");
    if (!button) return;
    const path = button.dataset.path;
    if (path === "abandon" && !window.confirm("Abandon this exchange? Nothing more is delivered or paid.")) return;
    const body = button.dataset.body ? JSON.parse(button.dataset.body) : {};
    button.disabled = true;
    say("", "notice");
    try {
      await tm.api("POST", `${base}/${path}`, body);
      const done = { accept: "Accepted: the exchange has started.", actions: "Confirmed.", abandon: "Abandoned." };
      say(done[path] || "Done.", "notice");
      await refresh();
    } catch (e) {
      say(e.message, "error");
      button.disabled = false;
    }
  });

  tm.onSubmit("#manual-form", async (data, form) => {
    say("", "notice");
    const body = { action: data.action };
    if (data.action === "deliver") {
      body.deliver = {};
      for (const input of form.querySelectorAll("input.deliver-units")) {
        const units = wholeNumber(input.value);
        if (units !== 0) body.deliver[input.dataset.item] = units;
      }
    } else {
      body.pay = data.pay;
    }
    await tm.api("POST", `${base}/actions`, body);
    await refresh();
    return "Confirmed.";
  });

  // Whole numbers as numbers; anything else as typed, for the API to refuse with its message.
  function wholeNumber(text) {
    const trimmed = String(text).trim();
    return /^\d+$/.test(trimmed) ? Number(trimmed) : trimmed;
  }

  localTimes();
})();

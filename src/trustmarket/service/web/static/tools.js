// Helpers of the tools pages (after app.js): numbers in and out, result tables, inline plots.
"use strict";

const tools = (() => {
  const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

  // A form's text as a JSON number when it is one; anything else is sent as typed, so the
  // API refuses it with its own message (saying which field and what is allowed).
  function number(text) {
    const trimmed = String(text ?? "").trim();
    return NUMBER.test(trimmed) ? Number(trimmed) : trimmed;
  }

  // A number for reading: at most `digits` decimals, no float noise (0.5000000000000001 is
  // 0.5); exact answers (strings such as "2/3") and null (shown as `none`) pass through.
  function fmt(value, digits = 4, none = "-") {
    if (value === null || value === undefined) return none;
    if (typeof value !== "number") return String(value);
    if (!Number.isFinite(value)) return String(value);
    const rounded = Number(value.toFixed(digits));
    return String(Object.is(rounded, -0) ? 0 : rounded);
  }

  // A table of escaped cells, scrollable on a narrow screen. headers: [text] or
  // [{text, num}]; rows: arrays of cell HTML (escape text with tm.escape first).
  function table(caption, headers, rows, id) {
    const head = headers
      .map((h) => (typeof h === "string" ? { text: h } : h))
      .map((h) => `<th scope="col"${h.num ? ' class="num"' : ""}>${tm.escape(h.text)}</th>`)
      .join("");
    const numeric = headers.map((h) => typeof h !== "string" && h.num);
    const body = rows
      .map((row) => `<tr>${row.map((cell, k) => `<td${numeric[k] ? ' class="num"' : ""}>${cell}</td>`).join("")}</tr>`)
      .join("");
    return (
      `<div class="scroll"><table${id ? ` id="${id}"` : ""}><caption class="visually-hidden">${tm.escape(caption)}</caption>` +
      `<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`
    );
  }

  // Fetch a plot of this service (an <svg> element) or throw its refusal's text.
  async function svg(path, params) {
    const response = await fetch(`${path}?${new URLSearchParams(params)}`, {
      headers: { Accept: "image/svg+xml" },
      credentials: "same-origin",
    });
    const text = await response.text();
    if (!response.ok) throw new Error(text || `the service answered ${response.status}`);
    return text;
  }

  function show(section, html) {
    section.querySelector(".result-body, .plot").innerHTML = html;
    section.hidden = false;
  }

  function hide(...sections) {
    for (const section of sections) section.hidden = true;
  }

  // Run several requests at once; show what succeeded, then throw the refusals' messages
  // (each once: two endpoints refusing the same distribution say the same thing).
  async function settle(tasks) {
    const outcomes = await Promise.allSettled(tasks);
    const messages = [];
    for (const outcome of outcomes) {
      if (outcome.status === "rejected") {
        const message = outcome.reason && outcome.reason.message ? outcome.reason.message : String(outcome.reason);
        if (!messages.includes(message)) messages.push(message);
      }
    }
    if (messages.length) throw new Error(messages.join(" · "));
  }

  return { number, fmt, table, svg, show, hide, settle };
})();

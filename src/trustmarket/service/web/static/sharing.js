// The sharing exchange page: joining, submitting a STIX 2.1 Indicator, reviewing, recording an
// incident, all through the JSON API (/api/sharing), so a form refuses what the API refuses
// with its message. The parts that change when others act ([data-part]) are fetched again
// from the service after each of the visitor's own actions and whenever the exchange's
// stream (GET /api/sharing/stream) reports a change.
"use strict";

(() => {
  const live = document.querySelector("#sharing-live");
  if (!live) return;

  // A datetime-local value ("2026-11-01T00:00" or with seconds) read as UTC, in the STIX
  // timestamp form (RFC 3339, "Z").
  function stixTime(value, what) {
    const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(:\d{2})?(\.\d+)?$/.exec(value);
    if (!match) throw new Error(`${what} must be a date and time, e.g. 2026-11-01T00:00:00`);
    return `${match[1]}${match[2] || ":00"}Z`;
  }

  // The form's fields as the properties of a STIX 2.1 Indicator; empty optional ones are left
  // out, so the API (and the stix2 validator behind it) sees only what the visitor gave.
  function indicator(fields, form) {
    const properties = { pattern: fields.pattern, pattern_type: fields.pattern_type };
    if (!properties.pattern) throw new Error("a pattern is required, e.g. [ipv4-addr:value = '198.51.100.7']");
    if (fields.name) properties.name = fields.name;
    if (fields.description) properties.description = fields.description;
    const types = [...form.querySelectorAll('input[name="indicator_types"]:checked')].map((box) => box.value);
    if (types.length) properties.indicator_types = types;
    if (!fields.valid_from) throw new Error("valid from is required");
    properties.valid_from = stixTime(fields.valid_from, "valid from");
    if (fields.valid_until) properties.valid_until = stixTime(fields.valid_until, "valid until");
    return properties;
  }

  // A part is left alone while the visitor is filling in one of its forms.
  function busy(part) {
    const focused = document.activeElement;
    return (focused !== null && focused !== document.body && part.contains(focused))
      || part.querySelector("form[data-dirty]") !== null;
  }

  let stopped = false;
  let pending = null;

  async function refresh({ force = false } = {}) {
    if (stopped) return;
    // A forced refresh (after the visitor's own action) must not be lost to a refresh in flight.
    if (pending) return force ? pending.then(() => refresh({ force })) : pending;
    pending = (async () => {
      try {
        const response = await fetch(live.dataset.refresh, { credentials: "same-origin", headers: { Accept: "text/html" } });
        if (response.status === 401) {
          // Logged out elsewhere: say so once and stop asking.
          stopped = true;
          const note = document.createElement("p");
          note.className = "error";
          note.setAttribute("role", "alert");
          const said = new DOMParser().parseFromString(await response.text(), "text/html").body.textContent.trim();
          note.textContent = said || "your session has ended; log in again";
          live.prepend(note);
          return;
        }
        if (!response.ok) return; // the next change tries again
        const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
        for (const part of live.querySelectorAll("[data-part]")) {
          const replacement = fresh.querySelector(`[data-part="${part.dataset.part}"]`);
          if (replacement && (force || !busy(part))) part.innerHTML = replacement.innerHTML;
        }
        bindReviews();
        document.dispatchEvent(new CustomEvent("tm:refreshed", { bubbles: true }));
      } catch (_) {
        // The network hiccuped: the next change tries again.
      } finally {
        pending = null;
      }
    })();
    return pending;
  }

  // A vote goes to the API; the panel's decision, if this was the last vote, is said above the
  // parts (the form itself leaves the page with the refresh).
  async function review(fields, form) {
    const submission = form.dataset.submission;
    const decided = await tm.api("POST", `/api/sharing/submissions/${encodeURIComponent(submission)}/reviews`, {
      valid: fields.valid === "true",
      severity: fields.severity,
      scope: fields.scope,
    });
    delete form.dataset.dirty;
    let outcome = `Your vote is in: ${decided.votes} of ${decided.panel.length} votes.`;
    if (decided.verdict === "verified") {
      outcome = `Your vote was the last: the panel verified it (${decided.severity}, ${decided.scope}).`;
    } else if (decided.verdict) {
      outcome = `Your vote was the last: the panel ${decided.verdict} it.`;
    }
    const status = document.querySelector("#sharing-status");
    if (status) status.textContent = outcome;
    await refresh({ force: true });
    return outcome;
  }

  function bindReviews() {
    const fresh = [...live.querySelectorAll("form.review-form:not([data-bound])")];
    for (const form of fresh) {
      form.dataset.bound = "new";
      form.addEventListener("input", () => {
        form.dataset.dirty = "true";
      });
    }
    tm.onSubmit('form.review-form[data-bound="new"]', review);
    for (const form of fresh) form.dataset.bound = "true";
  }

  tm.onSubmit("#join-form", async (fields) => {
    await tm.api("POST", "/api/sharing/members", { tier: fields.tier });
    window.location.reload();
    return "Joined.";
  });

  tm.onSubmit("#indicator-form", async (fields, form) => {
    const made = await tm.api("POST", "/api/sharing/submissions", { indicator: indicator(fields, form) });
    form.reset();
    form.elements.valid_from.value = fields.valid_from;
    await refresh({ force: true });
    return `Submitted. Its panel: ${made.panel.join(", ")}; you are paid when they have voted and verified it.`;
  });

  tm.onSubmit("#incident-form", async (fields) => {
    const recorded = await tm.api("POST", "/api/sharing/incidents", { category: fields.category });
    const n = recorded.recent;
    return `Recorded: ${n} recent ${n === 1 ? "incident" : "incidents"} in ${recorded.category}.`;
  });

  bindReviews();
  const events = new EventSource(live.dataset.events, { withCredentials: true });
  events.addEventListener("open", () => live.setAttribute("data-connected", "true"));
  events.addEventListener("changed", () => refresh());
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") refresh();
  });
})();

// trustmarket pages: the helpers every page uses. No framework; the pages are rendered by the
// service and this script only sends forms to the JSON API and refreshes live parts.
"use strict";

const tm = (() => {
  const meta = document.querySelector('meta[name="tm-token"]');
  const token = meta ? meta.content : null;

  class ApiError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  // Call the JSON API. Changes carry the bearer header (a cookie alone never changes
  // anything); the answer's JSON comes back, a refusal throws ApiError with the API's message.
  async function api(method, path, body) {
    const headers = { Accept: "application/json" };
    if (token) headers.Authorization = `Bearer ${token}`;
    const options = { method, headers, credentials: "same-origin" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    const response = await fetch(path, options);
    if (response.status === 204) return null;
    const text = await response.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch (_) {
      data = null;
    }
    if (!response.ok) {
      const message = data && data.message ? data.message : `the service answered ${response.status}`;
      throw new ApiError(response.status, data && data.error, message);
    }
    return data;
  }

  function fields(form) {
    const data = {};
    for (const [name, value] of new FormData(form)) {
      if (typeof value === "string") data[name] = value.trim();
    }
    return data;
  }

  function say(form, message, kind) {
    const error = form.querySelector(".error");
    const notice = form.querySelector(".notice");
    if (error) error.textContent = kind === "error" ? message : "";
    if (notice) notice.textContent = kind === "notice" ? message : "";
  }

  // Run handler(fields, form) on submit; a refusal's message is shown in the form's .error
  // element (role=alert, so screen readers announce it) and nothing else happens.
  function onSubmit(selector, handler) {
    for (const form of document.querySelectorAll(selector)) {
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        const button = form.querySelector('button[type="submit"]');
        if (button) button.disabled = true;
        say(form, "", "notice");
        try {
          const message = await handler(fields(form), form);
          if (typeof message === "string") say(form, message, "notice");
        } catch (error) {
          say(form, error.message || String(error), "error");
        } finally {
          if (button) button.disabled = false;
        }
      });
    }
  }

  // Refresh an element's HTML from the service (data-live) whenever its stream (data-stream)
  // reports a change. The stream says only that something changed; the page asks the service
  // for the part again, so what it shows is exactly what a GET would show this visitor.
  function live(element) {
    const url = element.dataset.live;
    let pending = false;
    let again = false;
    async function refresh() {
      if (pending) {
        again = true;
        return;
      }
      pending = true;
      try {
        const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } });
        if (response.ok) {
          element.innerHTML = await response.text();
          element.dispatchEvent(new CustomEvent("tm:refreshed", { bubbles: true }));
        }
      } finally {
        pending = false;
        if (again) {
          again = false;
          refresh();
        }
      }
    }
    const source = new EventSource(element.dataset.stream, { withCredentials: true });
    source.addEventListener("open", () => element.setAttribute("data-connected", "true"));
    // "view" (an auction's stream) and "changed" (the listing's and the account's) both mean
    // "look again"; the first "view" arrives at once and catches what changed since the render.
    for (const name of ["view", "changed"]) source.addEventListener(name, refresh);
    element.tmRefresh = refresh;
    return source;
  }

  function escape(text) {
    const span = document.createElement("span");
    span.textContent = String(text);
    return span.innerHTML;
  }

  async function logIn(name, password) {
    const session = await api("POST", "/api/sessions", { name, password });
    const response = await fetch("/session", {
      method: "POST",
      headers: { Authorization: `Bearer ${session.token}` },
      credentials: "same-origin",
    });
    if (!response.ok) throw new Error("the service did not keep the session; please try again");
    return session;
  }

  async function logOut() {
    try {
      await api("DELETE", "/api/sessions/current");
    } finally {
      await fetch("/session", { method: "DELETE", credentials: "same-origin" });
    }
  }

  // Unix times in the visitor's local time.
  function localTimes() {
    for (const el of document.querySelectorAll("time[data-unix]")) {
      el.textContent = new Date(Number(el.dataset.unix) * 1000).toLocaleString();
    }
  }
  document.addEventListener("tm:refreshed", localTimes);

  document.addEventListener("DOMContentLoaded", () => {
    localTimes();
    for (const element of document.querySelectorAll("[data-live][data-stream]")) live(element);
    const out = document.querySelector("#logout");
    if (out) {
      out.addEventListener("click", async (event) => {
        event.preventDefault();
        await logOut();
        window.location.assign("/");
      });
    }
  });

  return { api, onSubmit, fields, say, live, escape, logIn, logOut, signedIn: token !== null, ApiError };
})();

// Sign up, log in, and the account page's API tokens.
"use strict";

function nextPage(form) {
  const next = form.dataset.next || "/";
  // Only a path of this site: never send a visitor elsewhere after logging in.
  return next.startsWith("/") && !next.startsWith("//") ? next : "/";
}

tm.onSubmit("#login", async (data, form) => {
  await tm.logIn(data.name, data.password);
  window.location.assign(nextPage(form));
});

tm.onSubmit("#signup", async (data, form) => {
  const roles = [...form.querySelectorAll('input[name="role"]:checked')].map((box) => box.value);
  await tm.api("POST", "/api/accounts", { name: data.name, password: data.password, roles });
  await tm.logIn(data.name, data.password);
  window.location.assign(nextPage(form));
});

tm.onSubmit("#new-token", async (_data, form) => {
  const made = await tm.api("POST", "/api/tokens", { kind: "api" });
  const out = form.querySelector("output");
  out.textContent = made.token;
  return "Copy this token now: it is shown only once.";
});

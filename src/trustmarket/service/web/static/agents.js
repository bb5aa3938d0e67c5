// Deploy an agent template with its parameters; pause, resume or remove one.
"use strict";

function paramValue(input) {
  const text = input.value.trim();
  if (input.dataset.kind === "integer" && /^-?\d+$/.test(text)) return Number(text);
  return text; // amounts stay decimal strings; a wrong value is the API's to refuse
}

tm.onSubmit("form.deploy", async (_data, form) => {
  const params = {};
  for (const input of form.querySelectorAll("input[data-kind]")) {
    if (input.value.trim() !== "" || input.required) params[input.name] = paramValue(input);
  }
  const events = [...form.querySelectorAll('input[name="events"]:checked')].map((b) => b.value);
  if (form.querySelector('input[name="events"]')) params.events = events;
  const select = form.querySelector('select[name="auction_id"]');
  const body = { template: form.dataset.template, params };
  if (select) body.auction_id = select.value || null;
  const agent = await tm.api("POST", "/api/agents", body);
  window.location.assign(`/agents/${agent.agent_id}`);
});

for (const button of document.querySelectorAll("button.manage")) {
  button.addEventListener("click", async () => {
    const id = button.closest("tr").dataset.agent;
    const action = button.dataset.do;
    const error = document.querySelector("#manage-error");
    try {
      if (action === "remove") await tm.api("DELETE", `/api/agents/${id}`);
      else await tm.api("POST", `/api/agents/${id}/${action}`);
      window.location.reload();
    } catch (e) {
      error.textContent = e.message;
    }
  });
}

// The safe exchange planner: plan (POST /api/tools/exchange/plan), check a plan
// (/exchange/check) and propose one to another account (POST /api/exchanges).
"use strict";

(() => {
  const planForm = document.querySelector("#plan-form");
  const result = document.querySelector("#plan-result");
  const planText = document.querySelector("#exchange-plan");
  const checkResult = document.querySelector("#check-result");
  const examples = JSON.parse(planForm.dataset.examples || "{}");

  function problem() {
    const text = document.querySelector("#exchange-problem").value;
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new Error(`the exchange is not valid JSON: ${error.message}`);
    }
  }

  function planDocument() {
    const text = planText.value.trim();
    if (!text) return null;
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new Error(`the plan is not valid JSON: ${error.message}`);
    }
  }

  const chunk = (deliver) =>
    Object.entries(deliver || {})
      .filter(([, units]) => units)
      .map(([item, units]) => `${units} ${item}`)
      .join(", ");

  // What the objective counts, for "no plan has fewer than N ...".
  const UNITS = {
    steps: ["step", "steps"],
    deliveries: ["delivery", "deliveries"],
    payments: ["payment", "payments"],
    "deliveries+payments": ["delivery and payment in all", "deliveries and payments in all"],
  };

  // The planner stopped at its time limit before proving its plan optimal: say so, and what it
  // did prove (no plan beats lower_bound). Empty for a proven plan.
  function unprovenHtml(answer) {
    if (answer.proven !== false) return "";
    const n = answer.lower_bound;
    const [one, many] = UNITS[answer.objective] || ["", answer.objective];
    return (
      `<p class="summary-line unproven" id="plan-not-proven"><strong>Best found, not proven optimal:</strong> ` +
      `the planner's time limit ran out first; no plan has fewer than ${tm.escape(String(n))} ${tm.escape(n === 1 ? one : many)} ` +
      `(this one has ${tm.escape(String(answer.optimum))}). The plan is safe all the same.</p>`
    );
  }

  function stepsHtml(answer) {
    const currency = answer.currency;
    const payFirst = answer.plan.order === "pay-first";
    const rows = answer.plan.steps.map((step, k) => {
      const halves = [];
      if (chunk(step.deliver)) halves.push("seller delivers");
      if (step.pay) halves.push("buyer pays");
      if (payFirst) halves.reverse();
      const state = answer.states[k];
      return [
        String(k + 1),
        tm.escape(halves.join(", then ")),
        tm.escape(chunk(step.deliver) || "-"),
        tm.escape(step.pay ? `${step.pay} ${currency}` : "-"),
        tm.escape(chunk(state.delivered) || "nothing"),
        tm.escape(`${state.paid} ${currency}`),
      ];
    });
    const c = answer.counts;
    return (
      `<p class="summary-line" id="plan-summary">A safe plan of <strong>${c.steps} step${c.steps === 1 ? "" : "s"}</strong>: ` +
      `${c.deliveries} deliveries and ${c.payments} payments (fewest ${tm.escape(answer.objective)}, ` +
      `${tm.escape(answer.safety)} safety, ${tm.escape(answer.order)}).</p>` +
      unprovenHtml(answer) +
      tools.table(
        "The plan: each step, who acts, what is handed over and the state after it",
        [{ text: "Step", num: true }, "Who acts", "Delivered", { text: "Paid", num: true }, "Delivered in all after", { text: "Paid in all after", num: true }],
        rows,
        "plan-steps",
      )
    );
  }

  planForm.querySelector("#load-example").addEventListener("click", () => {
    const chosen = examples[planForm.querySelector("#exchange-example").value];
    if (!chosen) return;
    document.querySelector("#exchange-problem").value = chosen[1];
    planText.value = "";
    checkResult.innerHTML = "";
    tools.hide(result);
  });

  tm.onSubmit("#plan-form", async (data) => {
    const body = { problem: problem(), objective: data.objective, safety: data.safety, order: data.order };
    if (String(data.time_limit ?? "").trim()) body.time_limit = tools.number(data.time_limit);
    tools.hide(result);
    checkResult.innerHTML = "";
    const answer = await tm.api("POST", "/api/tools/exchange/plan", body);
    if (!answer.found) {
      planText.value = "";
      tools.show(result, `<p class="fail" id="no-plan">${tm.escape(answer.reason)}</p>`);
      return undefined;
    }
    planText.value = JSON.stringify(answer.plan, null, 2);
    tools.show(result, stepsHtml(answer));
    const proven = answer.proven === false ? " (best found, not proven optimal)" : "";
    return `Planned: ${answer.counts.steps} steps${proven}.`;
  });

  tm.onSubmit("#check-form", async () => {
    checkResult.innerHTML = "";
    const plan = planDocument();
    if (plan === null) throw new Error("no plan to check: plan the exchange above, or write a plan here");
    const safety = document.querySelector("#exchange-safety").value;
    const verdict = await tm.api("POST", "/api/tools/exchange/check", { problem: problem(), plan, safety });
    const c = verdict.counts;
    const counts = `${c.steps} steps, ${c.deliveries} deliveries, ${c.payments} payments`;
    if (verdict.safe) {
      checkResult.innerHTML = `<p class="ok" id="check-verdict">Safe under ${tm.escape(verdict.safety)} safety (${counts}).</p>`;
    } else {
      const u = verdict.first_unsafe;
      checkResult.innerHTML =
        `<p class="fail" id="check-verdict">Not safe under ${tm.escape(verdict.safety)} safety: the ${tm.escape(u.defector)} gains by vanishing.</p>` +
        `<p>${tm.escape(u.message)}</p>` +
        `<p class="hint">Safe payments there: from ${tm.escape(u.band.low)} to ${tm.escape(u.band.high)}.</p>`;
    }
    return undefined;
  });

  tm.onSubmit("#propose-form", async (data) => {
    const body = {
      counterparty: data.counterparty,
      role: data.role,
      problem: problem(),
      objective: document.querySelector("#exchange-objective").value,
      safety: document.querySelector("#exchange-safety").value,
    };
    const plan = planDocument();
    if (plan !== null) body.plan = plan;
    const made = await tm.api("POST", "/api/exchanges", body);
    window.location.assign(`/exchanges/${encodeURIComponent(made.exchange_id)}`);
    return "Proposed.";
  });
})();

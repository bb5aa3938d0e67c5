// Leveled commitment contracts: the equilibria of one contract and the optimal contracts from
// the JSON API, and the payoff plot (an SVG this service draws), requested together.
"use strict";

(() => {
  const form = document.querySelector("#contract-form");
  const sections = {
    equilibria: document.querySelector("#contract-equilibria"),
    optimal: document.querySelector("#contract-optimal"),
    plot: document.querySelector("#contract-plot"),
  };
  const f = tools.fmt;
  const name = (mechanism) => tm.escape(mechanism.replaceAll("-", " "));
  // A threshold of null: the party never decommits.
  const threshold = (x) => tm.escape(f(x, 4, "never"));

  function equilibriaHtml(answer) {
    const rows = [];
    for (const m of answer.mechanisms) {
      const found = m.equilibria.map((e) => ["isolated", e]);
      for (const [low, high] of m.continua) found.push(["continuum, one end", low], ["continuum, other end", high]);
      if (!found.length) rows.push([name(m.mechanism), "no equilibrium", "", "", "", "", "", "", "", ""]);
      for (const [kind, e] of found) {
        rows.push([
          name(m.mechanism),
          tm.escape(kind),
          threshold(e.a_star),
          threshold(e.b_star),
          f(e.p_a),
          f(e.p_b),
          f(e.performed),
          f(e.contractor_gain),
          f(e.contractee_gain),
          f(e.gain),
        ]);
      }
    }
    const quo = answer.status_quo;
    return (
      `<p class="summary-line">Contract: rho ${f(answer.contract.rho)}, a ${f(answer.contract.a)}, b ${f(answer.contract.b)} · ` +
      `status quo: contractor ${f(quo.contractor)}, contractee ${f(quo.contractee)}</p>` +
      `<p class="hint">The contractor decommits when his outside cost is below a*, the contractee when her offer is above b*; gains are over the status quo.</p>` +
      tools.table(
        "Equilibria of the contract under each mechanism",
        [
          "Mechanism",
          "Kind",
          { text: "a*", num: true },
          { text: "b*", num: true },
          { text: "P(contractor decommits)", num: true },
          { text: "P(contractee decommits)", num: true },
          { text: "P(performed)", num: true },
          { text: "Contractor's gain", num: true },
          { text: "Contractee's gain", num: true },
          { text: "Total gain", num: true },
        ],
        rows,
        "equilibria",
      )
    );
  }

  function optimalHtml(answer) {
    const rows = answer.mechanisms.map((m) => {
      const fair = m.fair;
      return [
        name(m.mechanism),
        f(m.gain),
        m.prices ? `${f(m.prices[0])} to ${f(m.prices[1])}` : "-",
        fair ? f(fair.contract.rho) : "-",
        fair ? f(fair.contract.a) : "-",
        fair ? f(fair.contract.b) : "-",
        m.unique ? "yes" : "no",
        f(m.worst_gain),
        f(m.advantage),
      ];
    });
    const full = answer.full_commitment;
    const prices = full.prices ? `${f(full.prices[0])} to ${f(full.prices[1])}` : "none";
    return (
      `<p class="summary-line">Full commitment (nobody may walk away): gain ${f(full.gain)}, at prices ${prices}.</p>` +
      tools.table(
        "Optimal contracts of each mechanism",
        [
          "Mechanism",
          { text: "Largest expected gain", num: true },
          "Optimal prices",
          { text: "Fair rho", num: true },
          { text: "Fair a", num: true },
          { text: "Fair b", num: true },
          "Unique equilibrium",
          { text: "Worst equilibrium's gain", num: true },
          { text: "Over full commitment", num: true },
        ],
        rows,
        "optimal",
      )
    );
  }

  tm.onSubmit("#contract-form", async (data) => {
    const base = {
      contractor: data.contractor,
      contractee: data.contractee,
      mechanism: data.mechanism,
      normalize: form.querySelector("#contract-normalize").checked,
    };
    tools.hide(...Object.values(sections));
    const contract = { ...base, rho: tools.number(data.rho), a: tools.number(data.a), b: tools.number(data.b) };
    await tools.settle([
      tm.api("POST", "/api/tools/contracts/equilibria", contract).then((answer) => tools.show(sections.equilibria, equilibriaHtml(answer))),
      tm.api("POST", "/api/tools/contracts/optimal", base).then((answer) => tools.show(sections.optimal, optimalHtml(answer))),
      tools
        .svg("/tools/contracts/plot.svg", {
          contractor: data.contractor,
          contractee: data.contractee,
          mechanism: data.plot_mechanism,
          normalize: String(base.normalize),
        })
        .then((svg) => tools.show(sections.plot, svg)),
    ]);
    return "Analysed.";
  });
})();

// The credit bureau: the consistent reputations at one L from the JSON API, and T(L) over a
// range of L as an SVG this service draws.
"use strict";

(() => {
  const result = document.querySelector("#bureau-result");
  const plot = document.querySelector("#bureau-plot");

  function pointsHtml(answer) {
    const points = answer.fixed_points;
    const setting = `C = ${tools.fmt(answer.C, 6)}, L = ${tools.fmt(answer.L, 6)}, F = ${tm.escape(answer.F)}, G = ${tm.escape(answer.G)}`;
    if (!points.length) {
      return `<p class="fail" id="no-fixed-point">No consistent reputation for ${setting}: G jumps across the diagonal.</p>`;
    }
    const rows = points.map((r, k) => [String(k + 1), tm.escape(tools.fmt(r, 6)), tm.escape(tools.fmt(1 - r, 6))]);
    return (
      `<p class="summary-line">T(${tm.escape(tools.fmt(answer.L, 6))}) = <strong class="price" id="t-of-l">${tm.escape(tools.fmt(points[0], 4))}</strong></p>` +
      `<p class="hint">For ${setting}.</p>` +
      tools.table("Every reputation consistent with both strategies", ["#", { text: "Reputation R", num: true }, { text: "Tampering rate 1 - R", num: true }], rows, "fixed-points")
    );
  }

  tm.onSubmit("#bureau-form", async (data) => {
    const query = { C: data.C, L: data.L, F: data.F, G: data.G };
    tools.hide(result, plot);
    await tools.settle([
      tm.api("GET", `/api/tools/bureau/reputation?${new URLSearchParams(query)}`).then((answer) => tools.show(result, pointsHtml(answer))),
      tools.svg("/tools/bureau/plot.svg", { ...query, L_max: data.L_max }).then((svg) => tools.show(plot, svg)),
    ]);
    return "Computed.";
  });
})();

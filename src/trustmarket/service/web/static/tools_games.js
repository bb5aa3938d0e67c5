// The game solver: two payoff grids that grow and shrink together, sent to
// POST /api/tools/games/equilibria; the equilibria come back as a table.
"use strict";

(() => {
  const form = document.querySelector("#game-form");
  const result = document.querySelector("#game-result");
  const presets = JSON.parse(form.dataset.presets || "{}");
  const WHO = { A: "Row player's payoff", B: "Column player's payoff" };
  const MAX = 30; // the API's largest game (Lemke-Howson); it says when a method allows less

  function read(key) {
    const box = form.querySelector(`fieldset[data-matrix="${key}"]`);
    return [...box.querySelectorAll("tbody tr")].map((row) => [...row.querySelectorAll("input")].map((input) => input.value));
  }

  function draw(key, values) {
    const box = form.querySelector(`fieldset[data-matrix="${key}"]`);
    const cols = values[0].length;
    const heads = Array.from({ length: cols }, (_, j) => `<th scope="col">c${j + 1}</th>`).join("");
    box.querySelector("thead").innerHTML = `<tr><th scope="col"><span class="visually-hidden">Row</span></th>${heads}</tr>`;
    box.querySelector("tbody").innerHTML = values
      .map((row, i) => {
        const cells = row
          .map((value, j) => {
            const id = `${key}-${i}-${j}`;
            const label = `${WHO[key]} ${key}, row ${i + 1}, column ${j + 1}`;
            return (
              `<td><label class="visually-hidden" for="${id}">${tm.escape(label)}</label>` +
              `<input id="${id}" class="payoff" inputmode="decimal" size="5" value="${tm.escape(value)}"></td>`
            );
          })
          .join("");
        return `<tr><th scope="row">r${i + 1}</th>${cells}</tr>`;
      })
      .join("");
  }

  function drawBoth(a, b) {
    draw("A", a);
    draw("B", b);
    const rows = a.length;
    const cols = a[0].length;
    form.querySelector("#game-size").textContent =
      `${rows} row${rows === 1 ? "" : "s"} × ${cols} column${cols === 1 ? "" : "s"}`;
  }

  function resize(values, rows, cols) {
    return Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (values[i] && values[i][j] !== undefined ? values[i][j] : "0")));
  }

  form.addEventListener("click", (event) => {
    const button = event.target.closest("[data-resize]");
    if (!button) return;
    const a = read("A");
    const b = read("B");
    let rows = a.length;
    let cols = a[0].length;
    const change = button.dataset.resize;
    if (change === "row+") rows = Math.min(MAX, rows + 1);
    if (change === "row-") rows = Math.max(1, rows - 1);
    if (change === "col+") cols = Math.min(MAX, cols + 1);
    if (change === "col-") cols = Math.max(1, cols - 1);
    drawBoth(resize(a, rows, cols), resize(b, rows, cols));
  });

  form.querySelector("#load-preset").addEventListener("click", () => {
    const chosen = presets[form.querySelector("#game-preset").value];
    if (!chosen) return;
    const [, a, b] = chosen;
    drawBoth(a.map((row) => row.map(String)), b.map((row) => row.map(String)));
    tools.hide(result);
  });

  function summary(answer, rows, cols) {
    const count = answer.equilibria.length;
    const parts = [
      `<span id="game-count">${count} equilibri${count === 1 ? "um" : "a"}</span>`,
      `<span id="game-degenerate">${answer.degenerate ? "degenerate" : "not degenerate"}</span>`,
      answer.complete ? "the list is complete" : "the list may not be complete",
      `method: ${tm.escape(answer.method)}${answer.exact ? ", exact arithmetic" : ""}`,
    ];
    if (answer.pivots !== undefined && answer.pivots !== null) parts.push(`${answer.pivots} pivots`);
    let html = `<p class="summary-line">${parts.join(" · ")}</p>`;
    if (answer.note) html += `<p class="hint" id="game-note">${tm.escape(answer.note)}</p>`;
    if (answer.components && answer.components.some((c) => c.infinite)) {
      const items = answer.components
        .filter((c) => c.infinite)
        .map((c) => {
          const mix = (list) => list.map((p) => `(${p.map((x) => tools.fmt(x)).join(", ")})`).join(" or ");
          return `<li>every mixture of row strategies ${tm.escape(mix(c.rows))} against every mixture of column strategies ${tm.escape(mix(c.cols))}</li>`;
        })
        .join("");
      html += `<p>Components of infinitely many equilibria:</p><ul>${items}</ul>`;
    }
    const headers = ["#"];
    for (let i = 0; i < rows; i += 1) headers.push({ text: `Row r${i + 1}`, num: true });
    for (let j = 0; j < cols; j += 1) headers.push({ text: `Column c${j + 1}`, num: true });
    headers.push({ text: "Row payoff", num: true }, { text: "Column payoff", num: true });
    const body = answer.equilibria.map((e, k) => [
      String(k + 1),
      ...e.row.map((p) => tm.escape(tools.fmt(p))),
      ...e.col.map((p) => tm.escape(tools.fmt(p))),
      tm.escape(tools.fmt(e.row_payoff)),
      tm.escape(tools.fmt(e.col_payoff)),
    ]);
    html += count
      ? tools.table("Equilibria: each player's probability of each strategy, and the payoffs", headers, body, "equilibria")
      : "<p>No equilibrium found by this method.</p>";
    return html;
  }

  tm.onSubmit("#game-form", async (data) => {
    const A = read("A").map((row) => row.map(tools.number));
    const B = read("B").map((row) => row.map(tools.number));
    const body = { A, B, method: data.method, exact: form.querySelector("#game-exact").checked };
    if (data.method === "lemke-howson") body.label = tools.number(data.label);
    tools.hide(result);
    const answer = await tm.api("POST", "/api/tools/games/equilibria", body);
    tools.show(result, summary(answer, A.length, A[0].length));
    const count = answer.equilibria.length;
    return `Found ${count} equilibri${count === 1 ? "um" : "a"}.`;
  });
})();

// Draw a step price-quantity curve by clicking a chart (multi-unit double auctions). Each click
// adds a point (total quantity, unit price); the points also sit in a table, where they can be
// typed, corrected or removed with the keyboard. The service turns the staircase into orders.
"use strict";

(() => {
  const form = document.querySelector("#curve-form");
  if (!form) return;
  const svg = form.querySelector("#curve-chart");
  const body = form.querySelector("#curve-points");
  const digits = Number(form.dataset.digits || "2");
  const NS = "http://www.w3.org/2000/svg";
  // The plot area inside the 600 x 320 viewBox.
  const box = { left: 56, right: 584, top: 16, bottom: 280 };

  function axis(name, fallback) {
    const value = Number(form.querySelector(`[name="${name}"]`).value);
    return Number.isFinite(value) && value > 0 ? value : fallback;
  }

  function toChart(quantity, price) {
    const qmax = axis("qmax", 20);
    const pmax = axis("pmax", 100);
    return [
      box.left + (quantity / qmax) * (box.right - box.left),
      box.bottom - (price / pmax) * (box.bottom - box.top),
    ];
  }

  function fromChart(x, y) {
    const qmax = axis("qmax", 20);
    const pmax = axis("pmax", 100);
    const quantity = Math.round(((x - box.left) / (box.right - box.left)) * qmax);
    // Prices snap to a round step, a hundredth of the axis (1.00 on a 100 axis), never finer
    // than the currency's minor unit; the table can refine any point.
    const step = Math.max(10 ** Math.floor(Math.log10(pmax / 100)), 10 ** -digits);
    const raw = ((box.bottom - y) / (box.bottom - box.top)) * pmax;
    const price = Math.round(raw / step) * step;
    return [Math.max(1, Math.min(quantity, qmax)), Math.max(0, Math.min(price, pmax)).toFixed(digits)];
  }

  function points() {
    const out = [];
    for (const row of body.querySelectorAll("tr")) {
      const q = row.querySelector('[name="quantity"]').value.trim();
      const p = row.querySelector('[name="unit_price"]').value.trim();
      if (q !== "" || p !== "") out.push([q, p]);
    }
    return out;
  }

  function element(name, attributes, text) {
    const node = document.createElementNS(NS, name);
    for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function draw() {
    for (const node of [...svg.childNodes]) if (node.nodeName !== "title") node.remove();
    const qmax = axis("qmax", 20);
    const pmax = axis("pmax", 100);
    svg.append(element("rect", { x: box.left, y: box.top, width: box.right - box.left, height: box.bottom - box.top, fill: "#f2f5f9" }));
    svg.append(element("line", { x1: box.left, y1: box.bottom, x2: box.right, y2: box.bottom, stroke: "#4a5361" }));
    svg.append(element("line", { x1: box.left, y1: box.top, x2: box.left, y2: box.bottom, stroke: "#4a5361" }));
    svg.append(element("text", { x: box.left, y: 300 }, "0"));
    svg.append(element("text", { x: box.right, y: 300, "text-anchor": "end" }, `${qmax} units`));
    svg.append(element("text", { x: box.left - 6, y: box.top + 10, "text-anchor": "end" }, String(pmax)));
    svg.append(element("text", { x: box.left - 6, y: box.bottom, "text-anchor": "end" }, "0"));
    const buying = form.querySelector('[name="side"]').value === "buy";
    const valid = points()
      .map(([q, p]) => [Number(q), Number(p)])
      .filter(([q, p]) => Number.isFinite(q) && Number.isFinite(p));
    // The staircase: a buyer's stairs from the highest price down, a seller's from the lowest up.
    valid.sort((a, b) => (buying ? b[1] - a[1] : a[1] - b[1]));
    let path = "";
    let total = 0;
    for (const [q, p] of valid) {
      const [x0, y] = toChart(total, p);
      const [x1] = toChart(q, p);
      path += `M${x0.toFixed(1)},${y.toFixed(1)} H${x1.toFixed(1)} `;
      total = q;
    }
    if (path) svg.append(element("path", { d: path, stroke: "#0b5cad", "stroke-width": 3, fill: "none" }));
    for (const [q, p] of valid) {
      const [x, y] = toChart(q, p);
      const dot = element("circle", { cx: x.toFixed(1), cy: y.toFixed(1), r: 5, fill: "#0b5cad", class: "curve-point" });
      dot.append(element("title", {}, `${q} units at ${p.toFixed(digits)}`));
      svg.append(dot);
    }
  }

  function addRow(quantity, price) {
    const row = document.createElement("tr");
    row.innerHTML =
      '<td><input name="quantity" inputmode="numeric" size="6" aria-label="Total quantity"></td>' +
      '<td><input name="unit_price" inputmode="decimal" size="8" aria-label="Unit price"></td>' +
      '<td><button type="button" class="secondary remove-point">Remove</button></td>';
    row.querySelector('[name="quantity"]').value = quantity;
    row.querySelector('[name="unit_price"]').value = price;
    body.append(row);
    draw();
    return row;
  }

  svg.addEventListener("click", (event) => {
    const matrix = svg.getScreenCTM();
    if (!matrix) return;
    const at = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix.inverse());
    if (at.x < box.left || at.x > box.right || at.y < box.top || at.y > box.bottom) return;
    const [quantity, price] = fromChart(at.x, at.y);
    addRow(quantity, price);
  });
  form.querySelector("#curve-add").addEventListener("click", () => addRow("", "").querySelector("input").focus());
  body.addEventListener("click", (event) => {
    if (event.target.classList.contains("remove-point")) {
      event.target.closest("tr").remove();
      draw();
    }
  });
  form.addEventListener("input", draw);
  form.addEventListener("change", draw);

  tm.onSubmit("#curve-form", async (data) => {
    const list = points().map(([q, p]) => ({ quantity: /^\d+$/.test(q) ? Number(q) : q, unit_price: p }));
    await tmAuction.joined();
    const placed = await tm.api("POST", `${tmAuction.base}/curves`, { side: data.side, points: list });
    tmAuction.refresh();
    return `Curve placed as ${placed.orders.length} order(s)`;
  });

  draw();
})();

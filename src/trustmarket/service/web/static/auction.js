// An auction's page: the bid form of its language, retraction, the owner's close. The live
// part (#auction) is refreshed by app.js from the auction's stream.
"use strict";

const section = document.querySelector("#auction");
const auctionId = section.dataset.auction;
const base = `/api/auctions/${auctionId}`;

// Bidding needs a registration; join on the first bid so a visitor does not have to.
async function joined() {
  const summary = document.querySelector("#summary");
  if (summary && summary.dataset.registered === "true") return;
  try {
    await tm.api("POST", `${base}/join`, {});
  } catch (error) {
    if (error.code !== "duplicate_participant") throw error;
  }
  if (summary) summary.dataset.registered = "true";
}

function refresh() {
  if (section.tmRefresh) section.tmRefresh();
}

// What the curve drawing (curve.js) shares with this page.
window.tmAuction = { base, joined, refresh };

async function act(path, body, message) {
  await joined();
  const receipt = await tm.api("POST", `${base}/${path}`, body);
  refresh();
  return `${message} (receipt: event ${receipt.seq ?? ""}, log entry ${receipt.log_index ?? ""})`;
}

tm.onSubmit("#price-form", async (data) => {
  const body = { amount: data.amount };
  if (data.max_amount) body.max_amount = data.max_amount;
  return act("bids", body, "Bid accepted");
});

tm.onSubmit("#accept-form", async () => act("accept", {}, "Accepted"));

tm.onSubmit("#order-form", async (data) => {
  const quantity = /^\d+$/.test(data.quantity) ? Number(data.quantity) : data.quantity;
  return act("orders", { side: data.side, quantity, unit_price: data.unit_price }, "Order accepted");
});

// ---- XOR bids of (quantity, total price): rows in one table
function unitRow() {
  const row = document.createElement("tr");
  row.innerHTML =
    '<td><input name="quantity" inputmode="numeric" aria-label="Quantity" size="6"></td>' +
    '<td><input name="price" inputmode="decimal" aria-label="Total price" size="8"></td>' +
    '<td><button type="button" class="secondary remove-row">Remove</button></td>';
  return row;
}

const unitsForm = document.querySelector("#units-form");
if (unitsForm) {
  unitsForm.querySelector(".add-row").addEventListener("click", () => {
    const row = unitRow();
    unitsForm.querySelector("tbody.rows").append(row);
    row.querySelector("input").focus();
  });
  unitsForm.addEventListener("click", (event) => {
    if (event.target.classList.contains("remove-row")) event.target.closest("tr").remove();
  });
}

tm.onSubmit("#units-form", async (_data, form) => {
  const alternatives = [];
  for (const row of form.querySelectorAll("tbody.rows tr")) {
    const q = row.querySelector('[name="quantity"]').value.trim();
    const p = row.querySelector('[name="price"]').value.trim();
    if (q === "" && p === "") continue;
    alternatives.push({ quantity: /^\d+$/.test(q) ? Number(q) : q, price: p });
  }
  return act("units-bids", { alternatives }, "XOR bid accepted");
});

// ---- OR-of-XORs package bids: one table per XOR group, a row per bundle and its price
const packageForm = document.querySelector("#package-form");
const goods = packageForm ? JSON.parse(packageForm.dataset.goods || "[]") : [];
let tableCount = 0;

function bundleRow(group) {
  const row = document.createElement("tr");
  const cells = goods.map((good) => {
    const units = good.units && good.units > 1;
    const label = `Units of ${good.name} (table ${group})`;
    return units
      ? `<td><input class="good" data-good="${tm.escape(good.name)}" inputmode="numeric" size="3" value="0" aria-label="${tm.escape(label)}"></td>`
      : `<td><input class="good" type="checkbox" data-good="${tm.escape(good.name)}" aria-label="${tm.escape(`${good.name} in bundle (table ${group})`)}"></td>`;
  });
  row.innerHTML =
    cells.join("") +
    `<td><input class="bundle-price" inputmode="decimal" size="8" aria-label="Price (table ${group})"></td>` +
    '<td><button type="button" class="secondary remove-row">Remove</button></td>';
  return row;
}

function addTable() {
  tableCount += 1;
  const group = tableCount;
  const box = document.createElement("fieldset");
  box.className = "xor-table";
  const heads = goods.map((g) => `<th>${tm.escape(g.name)}</th>`).join("");
  box.innerHTML =
    `<legend>XOR table ${group}</legend><div class="scroll"><table><thead><tr>${heads}` +
    "<th>Price</th><th><span class=\"visually-hidden\">Remove</span></th></tr></thead><tbody></tbody></table></div>" +
    '<button type="button" class="secondary add-bundle">Add bundle</button>' +
    '<button type="button" class="secondary remove-table">Remove table</button>';
  box.querySelector("tbody").append(bundleRow(group));
  packageForm.querySelector(".tables").append(box);
  box.querySelector("input").focus();
  return box;
}

if (packageForm) {
  addTable();
  packageForm.querySelector(".add-table").addEventListener("click", addTable);
  packageForm.addEventListener("click", (event) => {
    const target = event.target;
    if (target.classList.contains("add-bundle")) {
      const box = target.closest("fieldset");
      const group = box.querySelector("legend").textContent.replace(/\D/g, "");
      box.querySelector("tbody").append(bundleRow(group));
    } else if (target.classList.contains("remove-row")) {
      target.closest("tr").remove();
    } else if (target.classList.contains("remove-table")) {
      target.closest("fieldset").remove();
    }
  });
}

tm.onSubmit("#package-form", async (_data, form) => {
  const tables = [];
  for (const box of form.querySelectorAll("fieldset.xor-table")) {
    const rows = [];
    for (const row of box.querySelectorAll("tbody tr")) {
      const bundle = {};
      for (const input of row.querySelectorAll("input.good")) {
        if (input.type === "checkbox") {
          if (input.checked) bundle[input.dataset.good] = 1;
        } else {
          const text = input.value.trim();
          const units = /^-?\d+$/.test(text) ? Number(text) : text;
          if (units !== 0 && text !== "") bundle[input.dataset.good] = units;
        }
      }
      const price = row.querySelector(".bundle-price").value.trim();
      if (Object.keys(bundle).length === 0 && price === "") continue;
      rows.push({ bundle, price });
    }
    if (rows.length) tables.push(rows);
  }
  if (!tables.length) throw new Error("add at least one bundle with a price");
  return act("package-bids", { tables }, "Package bid accepted");
});

// ---- retraction (your bids table, inside the live part) and the owner's close
section.addEventListener("click", async (event) => {
  const button = event.target.closest("button.retract");
  if (!button) return;
  try {
    await tm.api("POST", `${base}/retractions`, { bid_id: button.dataset.bid });
    refresh();
  } catch (e) {
    // Looked up now: a refresh of the live part replaces the element.
    document.querySelector("#retract-error").textContent = e.message;
  }
});

tm.onSubmit("#close-form", async () => {
  await tm.api("POST", `${base}/close`, {});
  window.location.reload();
});

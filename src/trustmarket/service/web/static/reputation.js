// Leave feedback on a settled transaction (POST /api/feedback).
"use strict";

function score(form, name) {
  const text = (form.querySelector(`[name="${name}"]`) || { value: "" }).value.trim();
  if (text === "") return null;
  const number = Number(text);
  return Number.isFinite(number) && /^-?\d+(\.\d+)?$/.test(text) ? number : text;
}

tm.onSubmit("form.feedback", async (_data, form) => {
  const rating = Number(form.querySelector('input[name="rating"]:checked').value);
  const body = { transaction_id: form.dataset.transaction, rating };
  const attributes = ["delivery", "quality", "price"].map((name) => score(form, name));
  if (attributes.some((value) => value !== null)) {
    body.attributes = attributes.map((value) => (value === null ? 0 : value));
  }
  await tm.api("POST", "/api/feedback", body);
  window.location.reload();
});

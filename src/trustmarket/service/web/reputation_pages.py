"""Reputation pages: your settled transactions with a feedback form each, and an account's
profile - its score under every model, the feedback it received, its score over time, and the
"explain" view of one model's score (SPEC section 4)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from trustmarket.core.errors import TrustmarketError
from trustmarket.reputation.models import model_class, model_names
from trustmarket.service.deps import service_of
from trustmarket.service.web.charts import line_chart
from trustmarket.service.web.render import render, render_error, visitor_of

router = APIRouter(include_in_schema=False)

#: The model a profile explains and charts unless the visitor picks another.
DEFAULT_MODEL = "beta"
_FLAGS = ("probabilistic", "personal_view", "uses_attributes", "global_")


@router.get("/reputation")
async def reputation_index(request: Request) -> Response:
    visitor = visitor_of(request)
    wanted = request.query_params.get("account", "").strip()
    if wanted:
        return RedirectResponse(f"/reputation/{wanted}", status_code=303)
    transactions = []
    if visitor.principal is not None:
        service = service_of(request)
        who = visitor.principal
        transactions = await service.run(lambda work: service.reputation.transactions(work, who))
    models = []
    for name in model_names():
        properties = model_class(name).properties
        flags = [k.rstrip("_").replace("_", " ") for k in _FLAGS if getattr(properties, k)]
        models.append({"name": name, "flags": flags, "source": properties.source})
    return render(request, "reputation.html", visitor, transactions=transactions, models=models)


@router.get("/reputation/{name}")
async def profile_page(name: str, request: Request) -> Response:
    visitor = visitor_of(request)
    service = service_of(request)
    model = request.query_params.get("model") or DEFAULT_MODEL
    try:
        profile = await service.run(lambda work: service.reputation.profile(work, name, model))
        history = await service.run(lambda work: service.reputation.history(work, name, model))
    except TrustmarketError as error:
        return render_error(request, visitor, 400, "Cannot show this profile", error.message)
    chart = line_chart(
        [(t, s) for t, s in history],
        title=f"{name}'s {model} score after each feedback received",
        y_label=f"{model} score",
    )
    return render(
        request,
        "reputation_profile.html",
        visitor,
        profile=profile,
        model=model,
        models=model_names(),
        chart=chart,
        history=history,
    )

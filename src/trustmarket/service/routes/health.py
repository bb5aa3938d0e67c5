"""Liveness and readiness (for supervisors and load balancers)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from trustmarket.service.deps import service_of

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Liveness")
async def healthz() -> dict[str, str]:
    """The process answers."""
    return {"status": "ok"}


@router.get("/readyz", summary="Readiness", response_model=None)
async def readyz(request: Request) -> dict[str, Any] | JSONResponse:
    """Ready when the schema is current, the writer runs and the database answers a query."""
    service = service_of(request)

    def job(work: Any) -> int:
        return int(work.connection.execute(text("SELECT 1")).scalar_one())

    if not service.ready:
        return JSONResponse({"status": "starting"}, status_code=503)
    try:
        await service.run(job)
    except Exception as error:
        return JSONResponse(
            {"status": "unavailable", "reason": type(error).__name__}, status_code=503
        )
    return {
        "status": "ready",
        "schema": service.revision,
        "database": service.engine.dialect.name,
        "log_size": service.log.log.size,
        "writer": {"batches": service.writer.batches, "jobs": service.writer.jobs},
    }

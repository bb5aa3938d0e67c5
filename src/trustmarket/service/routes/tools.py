"""The analysis tools over HTTP (filled in by issue 9's tools work)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/tools", tags=["tools"])

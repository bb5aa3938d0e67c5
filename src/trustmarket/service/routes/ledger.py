"""The transparency log over HTTP: the public key, signed tree heads, entries with inclusion
proofs, consistency proofs (SPEC section 6). Everything a client needs to check that its events
were recorded, with :mod:`trustmarket.ledger.verify` and nothing else."""

from __future__ import annotations

import base64
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request

from trustmarket.core.errors import InvalidLogRequest, UnknownResource
from trustmarket.service.deps import service_of
from trustmarket.service.writer import Work

router = APIRouter(prefix="/api/ledger", tags=["ledger"])


@router.get("/key", summary="The log's public key")
async def key(request: Request) -> dict[str, Any]:
    """The Ed25519 key that signs tree heads (hex and PEM) and the log id."""
    service = service_of(request)
    public = service.log.log.public_key
    return {
        "log_id": service.log.log.log_id,
        "public_key": public.hex,
        "pem": public.pem().decode("ascii"),
    }


@router.get("/head", summary="The signed tree head")
async def head(request: Request, size: int | None = Query(default=None, ge=0, le=2**62)) -> Any:
    """The log's signed head now, or of its first ``size`` entries."""
    service = service_of(request)
    return await service.run(lambda work: service.log.tree_head(work, size).to_json())


@router.get("/entries/{index}", summary="An entry with its inclusion proof")
async def entry(
    request: Request,
    index: Annotated[int, Path(ge=0, le=2**62)],
    size: int | None = Query(default=None, ge=1, le=2**62),
) -> dict[str, Any]:
    """Entry ``index`` (its bytes in base64 and as JSON), its inclusion proof in the tree of
    ``size`` entries (default: the whole log) and the signed head of that tree."""
    service = service_of(request)

    def job(work: Work) -> dict[str, Any]:
        total = service.log.log.size
        if not 0 <= index < total:
            raise UnknownResource(f"there is no log entry {index}; the log holds {total} entries")
        tree = total if size is None else size
        if tree <= index:
            raise InvalidLogRequest(f"a tree of {tree} entries does not hold entry {index}")
        data = service.log.entry(work, index)
        return {
            "index": index,
            "entry": base64.b64encode(data).decode("ascii"),
            "entry_text": data.decode("utf-8", errors="replace"),
            "proof": service.log.inclusion_proof(work, index, tree).to_json(),
            "head": service.log.tree_head(work, tree).to_json(),
        }

    return await service.run(job)


@router.get("/consistency", summary="A consistency proof")
async def consistency(
    request: Request,
    old: int = Query(ge=0, le=2**62),
    new: int | None = Query(default=None, ge=0, le=2**62),
) -> dict[str, Any]:
    """Proof that the tree of ``old`` entries is a prefix of the tree of ``new`` (default now),
    with the signed head of the newer tree."""
    service = service_of(request)

    def job(work: Work) -> dict[str, Any]:
        proof = service.log.consistency_proof(work, old, new)
        return {
            "proof": proof.to_json(),
            "head": service.log.tree_head(work, new).to_json(),
        }

    return await service.run(job)

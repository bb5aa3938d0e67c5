"""``trustmarket ledger``: a transparency log in a SQLite file, signed with a key in a PEM file
(SPEC section 6, docs/ledger.md).

``keygen`` writes a key pair; ``append`` adds a JSON entry (stored as its canonical JSON);
``head`` prints a signed tree head; ``prove`` an inclusion proof (with ``--old`` a consistency
proof); ``verify`` checks an entry against a proof and a head with only the log's public key,
exit code 1 when it does not hold.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from trustmarket.cli.common import JsonFlag, console, print_json, reports_errors
from trustmarket.core.errors import InvalidInput, TrustmarketError
from trustmarket.core.json_input import read_json_file
from trustmarket.ledger import (
    InclusionProof,
    KeyPair,
    PublicKey,
    SQLiteStore,
    TransparencyLog,
    TreeHead,
    verify_inclusion,
)

ledger_app = typer.Typer(help="A transparency log in a SQLite file.", no_args_is_help=True)

LogArgument = Annotated[Path, typer.Argument(help="The log's SQLite file.")]
KeyOption = Annotated[Path, typer.Option("--key", help="The log's private key (PEM).")]


def _key(path: Path) -> KeyPair:
    try:
        return KeyPair.from_pem(path.read_bytes())
    except OSError as exc:
        raise InvalidInput(f"cannot read key file {path}: {exc.strerror}") from None


def _log(path: Path, key: Path, *, create: bool = False) -> TransparencyLog:
    """The log in ``path``; only ``append`` may start a new one (a mistyped path given to
    ``head`` or ``prove`` would otherwise become an empty log)."""
    if not create and not path.is_file():
        raise InvalidInput(f"no log at {path}; 'trustmarket ledger append' starts one")
    return TransparencyLog(_key(key), SQLiteStore(path))


@ledger_app.command("keygen")
@reports_errors
def keygen(
    out: Annotated[Path, typer.Option("--out", help="Where to write the private key (PEM).")],
    seed: Annotated[
        str | None, typer.Option("--seed", help="Derive the key from this text (tests only).")
    ] = None,
) -> None:
    """Write a new Ed25519 key pair; prints the public key in hex."""
    if out.exists():
        raise InvalidInput(f"{out} exists; refusing to overwrite a key")
    pair = KeyPair.generate(seed)
    try:
        out.write_bytes(pair.pem())
        out.chmod(0o600)
    except OSError as exc:
        raise InvalidInput(f"cannot write the key to {out}: {exc.strerror or exc}") from None
    typer.echo(pair.public_key.hex)


@ledger_app.command("append")
@reports_errors
def append(
    log: LogArgument,
    entry: Annotated[Path, typer.Argument(help="A JSON file: the entry.")],
    key: KeyOption,
    json_output: JsonFlag = False,
) -> None:
    """Append an entry (its canonical JSON); prints its index."""
    value = read_json_file(entry, "entry")
    index = _log(log, key, create=True).append(value)
    if json_output:
        print_json({"index": index})
    else:
        console().print(f"appended entry {index}")


@ledger_app.command("head")
@reports_errors
def head(
    log: LogArgument,
    key: KeyOption,
    time: Annotated[int, typer.Option("--time", help="The head's timestamp (seconds).")],
    size: Annotated[int | None, typer.Option("--size", help="An earlier tree size.")] = None,
) -> None:
    """Print the signed tree head (JSON)."""
    print_json(_log(log, key).tree_head(time, size).to_json())


@ledger_app.command("prove")
@reports_errors
def prove(
    log: LogArgument,
    key: KeyOption,
    index: Annotated[int | None, typer.Option("--index", help="Prove this entry.")] = None,
    size: Annotated[int | None, typer.Option("--size", help="For this tree size.")] = None,
    old: Annotated[
        int | None, typer.Option("--old", help="A consistency proof from this old size.")
    ] = None,
) -> None:
    """Print an inclusion proof (``--index``) or a consistency proof (``--old``), as JSON."""
    if (index is None) == (old is None):
        raise InvalidInput("give exactly one of --index (inclusion) and --old (consistency)")
    transparency = _log(log, key)
    if index is not None:
        print_json(transparency.inclusion_proof(index, size).to_json())
    else:
        assert old is not None
        print_json(transparency.consistency_proof(old, size).to_json())


@ledger_app.command("verify")
@reports_errors
def verify(
    entry: Annotated[Path, typer.Argument(help="The entry (JSON file).")],
    proof: Annotated[Path, typer.Argument(help="Its inclusion proof (JSON file).")],
    tree_head: Annotated[Path, typer.Argument(help="The signed tree head (JSON file).")],
    log_key: Annotated[str, typer.Option("--log-key", help="The log's public key, hex.")],
    json_output: JsonFlag = False,
) -> None:
    """Check that the entry is in the tree the head signs; exit code 1 if not."""
    public = PublicKey.from_hex(log_key)
    signed = TreeHead.from_json(read_json_file(tree_head, "tree head"))
    path = InclusionProof.from_json(read_json_file(proof, "proof"))
    try:
        verify_inclusion(read_json_file(entry, "entry"), path, signed, public)
    except TrustmarketError as exc:
        if json_output:
            print_json({"verified": False, "reason": exc.message})
        else:
            console().print(f"NOT verified: {exc.message}")
        raise typer.Exit(1) from None
    if json_output:
        print_json({"verified": True, "index": path.index, "tree_size": signed.size})
    else:
        console().print(f"verified: entry {path.index} of a tree of {signed.size}")

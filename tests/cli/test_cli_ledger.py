"""`trustmarket ledger keygen|append|head|prove|verify`: a log in a SQLite file, proofs a client
verifies with the public key alone, exit 1 when a proof does not hold, exit 2 for bad input."""

from __future__ import annotations

import json
from pathlib import Path

from cli_run import ok_json, run


def test_append_prove_and_verify(tmp_path: Path) -> None:
    key, log = str(tmp_path / "log.pem"), str(tmp_path / "log.db")
    code, public, _ = run("ledger", "keygen", "--out", key, "--seed", "cli test")
    assert code == 0 and len(public.strip()) == 64
    entries = []
    for k in range(5):
        entry = tmp_path / f"e{k}.json"
        entry.write_text(json.dumps({"bid": f"b{k}", "amount": f"{10 + k}.00"}))
        entries.append(str(entry))
        assert ok_json("ledger", "append", log, str(entry), "--key", key) == {"index": k}
    head = tmp_path / "head.json"
    proof = tmp_path / "proof.json"
    code, out, _ = run("ledger", "head", log, "--key", key, "--time", "100")
    head.write_text(out)
    assert code == 0 and json.loads(out)["tree_size"] == 5
    code, out, _ = run("ledger", "prove", log, "--key", key, "--index", "3")
    proof.write_text(out)
    verified = ok_json(
        "ledger", "verify", entries[3], str(proof), str(head), "--log-key", public.strip()
    )
    assert verified == {"verified": True, "index": 3, "tree_size": 5}
    code, out, _ = run(
        "ledger", "verify", entries[2], str(proof), str(head), "--log-key", public.strip()
    )
    assert code == 1 and "NOT verified" in out
    code, out, _ = run("ledger", "prove", log, "--key", key, "--old", "2")
    assert code == 0 and json.loads(out)["old_size"] == 2


def test_bad_input_is_one_line_and_exit_2(tmp_path: Path) -> None:
    key, log = str(tmp_path / "log.pem"), str(tmp_path / "log.db")
    assert run("ledger", "keygen", "--out", key)[0] == 0
    code, _, err = run("ledger", "keygen", "--out", key)
    assert code == 2 and "refusing to overwrite" in err
    (tmp_path / "bad.json").write_text("{")
    code, _, err = run("ledger", "append", log, str(tmp_path / "bad.json"), "--key", key)
    assert code == 2 and "is not valid JSON" in err
    code, _, err = run("ledger", "prove", log, "--key", key, "--index", "0")
    assert code == 2 and err.startswith("error: ") and err.count("\n") == 1, err
    code, _, err = run("ledger", "prove", log, "--key", key)
    assert code == 2 and "exactly one of --index" in err

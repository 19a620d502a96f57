"""``yibao log``: the tamper-evident log."""

from __future__ import annotations

import argparse
import json
import sys

from engine.cli.common import (
    add_json,
    add_workspace,
    emit_json,
    open_workspace,
)


def cmd_log(args) -> int:
    from engine import audit_log

    with open_workspace(args, create=False) as ws:
        entries = audit_log.entries(ws.conn)
        result = audit_log.verify(ws.conn) if args.verify else None
    if args.json:
        out = {"entries": entries}
        if result:
            out["verified"] = {
                "ok": result.ok,
                "entries": result.entries,
                "bad_seq": result.bad_seq,
                "reason": result.reason,
            }
        emit_json(out)
    else:
        for e in entries:
            print(
                f"{e['seq']:>5}  {e['at']}  {e['action']:<20} {json.dumps(e['detail'], ensure_ascii=False)[:100]}"
            )
        if result:
            if result.ok:
                print(f"log verified: {result.entries} entries, chain intact")
            else:
                print(f"LOG ALTERED at entry {result.bad_seq}: {result.reason}", file=sys.stderr)
    return 0 if result is None or result.ok else 3


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("log", help="show the tamper-evident log")
    p.set_defaults(func=cmd_log)
    add_workspace(p)
    p.add_argument(
        "--verify", action="store_true", help="verify the hash chain (exit 3 if altered)"
    )
    add_json(p)

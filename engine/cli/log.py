"""``yibao log``: the tamper-evident log, its head, and its verification."""

from __future__ import annotations

import argparse
import sys

from engine import log_sentence
from engine.cli.common import (
    add_json,
    add_workspace,
    emit_json,
    lang_of,
    open_workspace,
)


def cmd_log(args) -> int:
    from engine import LogHead, log_entries, log_head, verify_log

    expected = LogHead.parse(args.head) if args.head else None
    with open_workspace(args, create=False) as ws:
        if args.head == "" and not args.verify:
            head = log_head(ws.conn)
            emit_json({"head": str(head)}) if args.json else print(head)
            return 0
        entries = log_entries(ws.conn)
        result = None
        if args.verify or expected or args.public_key:
            result = verify_log(ws.conn, expected, args.public_key)
    if args.json:
        out = {"entries": entries}
        if result:
            out["verified"] = result.to_json()
        emit_json(out)
    else:
        lang = lang_of(args)
        for e in entries:
            detail = {k: v for k, v in e["detail"].items() if k != "evidence"}
            at = e["at"][:19].replace("T", " ")
            print(f"{e['seq']:>5}  {at}  {log_sentence(e['action'], detail, lang)}")
        if result:
            if result.ok:
                print(f"日志校验通过 / log verified: {result.entries} entries, head {result.head}")
            else:
                print(f"日志被改动 / LOG ALTERED ({len(result.problems)}):", file=sys.stderr)
                for problem in result.problems:
                    print(f"  {problem}", file=sys.stderr)
                print(f"head now: {result.head}", file=sys.stderr)
    return 0 if result is None or result.ok else 3


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("log", help="show the tamper-evident log")
    p.set_defaults(func=cmd_log)
    add_workspace(p)
    p.add_argument(
        "--verify",
        action="store_true",
        help="verify the chain and what each entry recorded against the tables (exit 3 if altered)",
    )
    p.add_argument(
        "--head",
        nargs="?",
        const="",
        metavar="N:HASH",
        help="alone: print the head (entries:last hash) to write down;"
        " with N:HASH: check the log still starts with that head (truncation, a rebuilt chain)",
    )
    p.add_argument(
        "--public-key",
        metavar="PEM",
        help="check the entries are signed by this inspector's key (`yibao plugins keygen`;"
        " entries are signed while $YIBAO_SIGNING_KEY names the private key)",
    )
    add_json(p)

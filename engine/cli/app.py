"""The desktop, the self-test, the demo region and the bench."""

from __future__ import annotations

import argparse

from engine import UserError
from engine.cli.common import (
    add_json,
    add_workspace,
    emit_json,
    lang_of,
    progress_for,
)


def cmd_desktop(args) -> int:
    try:
        from desktop.app import run
    except ImportError as exc:
        raise UserError(
            f"the desktop needs PySide6: pip install 'yibao[desktop]' ({exc})"
        ) from None
    return run(args)


def cmd_selftest(args) -> int:
    from engine import run_selftest

    return 1 if run_selftest() else 0


def cmd_demo(args) -> int:
    from engine import run_demo

    out = run_demo(
        args.workspace or "demo.yibao",
        seed=args.seed,
        lines=args.lines,
        progress=progress_for(args),
        force=args.force,
        lang=lang_of(args),
    )
    if args.json:
        emit_json(out)
    else:
        print(out["text"])
    return 0


def cmd_bench(args) -> int:
    from engine import run_bench

    out = run_bench(
        args.lines,
        cases=args.cases,
        seed=args.seed,
        progress=None if args.json else print,
        encrypt=args.encrypt,
    )
    if args.json:
        emit_json(out)
    else:
        for name, stage in out["stages"].items():
            print(
                f"{name:<8} {stage['items']:>10} {stage['unit']:<6} {stage['seconds']:>8.2f}s"
                f" {stage['per_second']:>12,.0f}/s"
                + (f"  peak {stage['peak_rss_mb']:,.0f} MB" if stage["peak_rss_mb"] else "")
            )
        for name, stage in out.get("encrypted", {}).items():
            print(
                f"{name:<8} encrypted {stage['seconds']:>8.2f}s"
                f" = {stage['times_plain']}× the plain workspace's"
            )
        peak = out["peak_rss_mb"]
        print("peak RSS not measured here" if peak is None else f"peak RSS {peak:.0f} MB")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    from desktop.options import add_arguments

    p = sub.add_parser("desktop", help="open the desktop review app")
    p.set_defaults(func=cmd_desktop)
    add_arguments(p)

    p = sub.add_parser("selftest", help="check this installation end to end (temporary files only)")
    p.set_defaults(func=cmd_selftest)

    p = sub.add_parser("demo", help="generate, import, audit and settle a synthetic region")
    p.set_defaults(func=cmd_demo)
    add_workspace(p)
    p.add_argument("--seed", type=int, default=1, help="random seed (deterministic)")
    p.add_argument("--lines", type=int, default=20_000, help="about how many fee lines")
    p.add_argument(
        "--force", action="store_true", help="replace the file even if it is not a demo workspace"
    )
    add_json(p)

    p = sub.add_parser("bench", help="time import, audit and settle on a generated region")
    p.set_defaults(func=cmd_bench)
    p.add_argument("--lines", type=int, default=100_000, help="about how many fee lines")
    p.add_argument(
        "--cases",
        type=int,
        default=200_000,
        help="inpatient cases added for the settle stage (default 200,000)",
    )
    p.add_argument("--seed", type=int, default=1)
    p.add_argument(
        "--encrypt",
        action="store_true",
        help="also import and audit into an encrypted workspace, timed against the plain one",
    )
    add_json(p)

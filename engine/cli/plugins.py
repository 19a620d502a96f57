"""``yibao plugins``: list, install and remove plug-ins."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from engine.cli.common import (
    add_json,
    emit_json,
)


def cmd_plugins(args) -> int:
    from engine import install_plugin, load_plugins, plugin_dirs, remove_plugin

    kit = {"new": _new, "keygen": _keygen, "sign": _sign, "trust": _trust}
    if args.plugins_command in kit:
        out = kit[args.plugins_command](args)
        emit_json(out) if args.json else print(out["text"])
        return 0

    if args.plugins_command == "install":
        target = install_plugin(args.path)  # checks that it loads, or takes it out
        loaded = load_plugins()
        info = next(i for i in loaded.infos if i.location == str(target))
        msg = f"installed {info.name} {info.version} to {target}"
        emit_json({"installed": str(target)}) if args.json else print(msg)
        return 0
    if args.plugins_command == "remove":
        path = remove_plugin(args.name)
        emit_json({"removed": str(path)}) if args.json else print(f"removed {path}")
        return 0
    loaded = load_plugins()
    loaded.describe()
    if args.json:
        emit_json(
            {
                "plugin_dirs": [str(d) for d in plugin_dirs()],
                "plugins": [i.to_json() for i in loaded.infos],
            }
        )
        return 0
    for info in loaded.infos:
        status = (
            f"ERROR: {info.error}"
            if info.error
            else (", ".join(f"{k} {v}" for k, v in info.contributes.items()) or "no contributions")
        )
        print(f"{info.name:<20} {info.version:<8} {info.source:<15} {status}")
        if info.signer:
            print(f"{'':<20} signed by {info.signer}")
        if info.warning:
            print(f"{'':<20} warning: {info.warning}")
    print("drop-in folder: " + ", ".join(str(d) for d in plugin_dirs()))
    return 0


def _new(args) -> dict:
    from engine import write_plugin_skeleton

    root = write_plugin_skeleton(args.name, Path(args.dir), args.region)
    return {
        "created": str(root),
        "text": f"created {root}; next: yibao rules check {root / args.name / 'rules'}"
        f" and yibao plugins install {root}",
    }


def _keygen(args) -> dict:
    from engine import signing

    private, public = signing.keygen(Path(args.out))
    return {
        "private_key": str(private),
        "public_key": str(public),
        "text": f"wrote {private} (keep it secret: it signs) and {public} (give it to every "
        f"laptop: yibao plugins trust {public})",
    }


def _sign(args) -> dict:
    from engine import signing

    out = signing.sign(Path(args.folder), Path(args.key), args.signer)
    return {"signature": str(out), "text": f"signed: {out}"}


def _trust(args) -> dict:
    from engine import signing

    source = Path(args.public_key)
    signing.read_public_key(source)  # refuse anything that is not a key before copying it
    folder = signing.trusted_key_dirs()[0]
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / source.name
    shutil.copyfile(source, target)
    return {
        "trusted": str(target),
        "text": f"trusted {target}: from now on only plug-ins signed by a trusted key load",
    }


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("plugins", help="list, install or remove plug-ins")
    p.set_defaults(func=cmd_plugins)
    pl_sub = p.add_subparsers(dest="plugins_command", metavar="ACTION")
    pl_sub.add_parser("list", help="installed plug-ins and what they contribute").add_argument(
        "--json", action="store_true", help="print one JSON object"
    )
    i = pl_sub.add_parser("install", help="copy a plug-in into the drop-in folder")
    i.add_argument("path", help="a folder, .py file, wheel or zip")
    add_json(i)
    r = pl_sub.add_parser("remove", help="remove a drop-in plug-in")
    r.add_argument("name")
    add_json(r)
    n = pl_sub.add_parser("new", help="write a working plug-in skeleton to start from")
    n.add_argument("name", help="the plug-in's name (a Python package name, e.g. shantou)")
    n.add_argument("--region", default="000000", metavar="CODE", help="6-digit pooling region")
    n.add_argument("--dir", default=".", metavar="FOLDER", help="where to create it")
    k = pl_sub.add_parser("keygen", help="make a region's signing key pair (Ed25519)")
    k.add_argument("--out", required=True, metavar="BASE", help="writes BASE.key and BASE.pub")
    s = pl_sub.add_parser("sign", help="sign a plug-in folder or file with a region's key")
    s.add_argument("folder", help="the plug-in folder (or .py / wheel / zip)")
    s.add_argument("--key", required=True, metavar="KEY", help="the private key (BASE.key)")
    s.add_argument("--signer", metavar="NAME", help="who signs (default: the key's name)")
    t = pl_sub.add_parser("trust", help="trust a region's public key on this machine")
    t.add_argument("public_key", metavar="BASE.pub")
    for q in (n, k, s, t):
        add_json(q)
    p.set_defaults(json=False)

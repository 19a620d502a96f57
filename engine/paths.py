"""Where the product's own data lives: beside the packages in a checkout, or inside a bundle."""

from __future__ import annotations

import sys
from pathlib import Path


def product_root() -> Path:
    """The folder holding ``rulesets/`` (the checkout, or PyInstaller's bundle folder)."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle)
    return Path(__file__).resolve().parent.parent


def national_rulesets() -> Path:
    return product_root() / "rulesets" / "national"

"""Province scale: the same rule files, parameters and plug-ins on Apache Spark.

Only ``yibao spark …`` imports this package (the ``[spark]`` extra brings pyspark, which needs
Java 17); the laptop install never does. How it divides the work, and why enrichment runs as
the same SQLite SQL inside each partition rather than as translated Spark SQL, is in
``docs/scale.md`` and ``engine/spark/partition.py``.
"""

from __future__ import annotations

from engine.errors import UserError


def require_spark():
    """pyspark, or a clear error saying how to get it."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise UserError(
            "yibao spark needs Apache Spark: pip install -e '.[spark]' (and Java 17 on the PATH)"
        ) from None
    import shutil

    if shutil.which("java") is None and not _java_home():
        raise UserError("yibao spark needs Java 17: install it and put java on the PATH")


def _java_home() -> bool:
    import os

    home = os.environ.get("JAVA_HOME")
    return bool(home) and os.path.exists(os.path.join(home, "bin", "java"))

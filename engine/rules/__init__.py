"""Rule sets as data: the file format, the compiler to durable-rules, enrichment and the runner."""

from engine.rules.audit import run_audit

__all__ = ["run_audit"]

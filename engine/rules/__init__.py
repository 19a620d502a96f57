"""Rule sets as data: the file format, the compiler to durable-rules, enrichment and the runner."""

from engine.rules.audit import list_findings, run_audit

__all__ = ["list_findings", "run_audit"]

"""Errors a user can act on; front ends show them without a traceback (exit status 2)."""

from __future__ import annotations


class UserError(Exception):
    """Bad input or a request that cannot be done; the message says what and where."""


class ImportRejected(UserError):
    """A data package that cannot be stored; ``errors`` are ``file:row:column: reason``."""

    def __init__(self, errors: list[str], total: int):
        self.errors = errors
        self.total = total
        shown = "\n".join(errors)
        more = f"\n… and {total - len(errors)} more errors" if total > len(errors) else ""
        super().__init__(f"import rejected, nothing written ({total} errors):\n{shown}{more}")


class Cancelled(Exception):
    """Long work stopped by the user through its cancel token."""

"""Reading data packages (spec/interchange.md) into a workspace, and writing them back."""

from engine.ingest.adapters import import_any
from engine.ingest.export import export_package
from engine.ingest.loader import ImportResult, import_package

__all__ = ["ImportResult", "export_package", "import_any", "import_package"]

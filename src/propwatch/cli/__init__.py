"""Command line: each module parses its options, calls one library function and prints."""

from propwatch.cli import analyze as _analyze  # noqa: F401  (registers commands)
from propwatch.cli import claims as _claims  # noqa: F401
from propwatch.cli import eval as _eval  # noqa: F401
from propwatch.cli import export as _export  # noqa: F401
from propwatch.cli import kb as _kb  # noqa: F401
from propwatch.cli import narratives as _narratives  # noqa: F401
from propwatch.cli import outlets as _outlets  # noqa: F401
from propwatch.cli import report as _report  # noqa: F401
from propwatch.cli import reuse as _reuse  # noqa: F401
from propwatch.cli import serve as _serve  # noqa: F401
from propwatch.cli import tag as _tag  # noqa: F401
from propwatch.cli import train as _train  # noqa: F401
from propwatch.cli._group import main

__all__ = ["main"]

"""Legwork: a static site generator for a leg-training guide for runners.

The pipeline runs one way, one module per stage:

    load -> validate -> links -> markdown/pages -> render -> write

`legwork.build.build_site` is the recipe that strings the stages together and
`legwork.cli.main` is the command line around it.
"""

from legwork.errors import BuildFailed, ContentError, UsageError

__all__ = ["BuildFailed", "ContentError", "UsageError"]
__version__ = "0.1.0"

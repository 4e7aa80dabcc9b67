"""Legwork: a static site generator for a leg-training guide for runners.

The pipeline runs one way, one module per stage:

    load -> validate -> links -> pages -> render -> write

`legwork.registry` declares the entry types and taxonomies every stage works
with. `legwork.builder.SiteBuilder` is the recipe that strings the stages
together, for a one-off build and for the dev server's rebuilds, and
`legwork.cli.main` is the command line around it. docs/ARCHITECTURE.md
describes the whole.
"""

from legwork.errors import BuildFailed, ContentError, UsageError

__all__ = ["BuildFailed", "ContentError", "UsageError"]
__version__ = "0.1.0"

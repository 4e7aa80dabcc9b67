#!/usr/bin/env python3
"""Build the Legwork guide: `python build.py --help` lists the commands."""

import sys
from pathlib import Path

from legwork.cli import main

if __name__ == "__main__":
    sys.exit(main(root=Path(__file__).resolve().parent))

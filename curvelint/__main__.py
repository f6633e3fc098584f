"""``python -m curvelint``."""

from curvelint.cli import main

main()

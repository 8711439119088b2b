"""``python -m docgen``: the same command as ``docgen``."""

from docgen.cli import main

main()

"""`python -m docgen.cli` runs the `docgen` command."""

from docgen.cli import main

main()

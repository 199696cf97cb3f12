"""`python -m selko …`: the selko command, also where it is not on PATH."""

from selko.cli import main

main()

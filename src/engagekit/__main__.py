"""``python -m engagekit``: the same as the ``engagekit`` command."""

from engagekit.cli import main

main()

"""``python -m engagekit.definition FILE ...``: check definition files without installing the CLI."""

from __future__ import annotations

import sys

from engagekit.definition import DefinitionError, load_definition


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: python -m engagekit.definition FILE [FILE ...]", file=sys.stderr)
        return 2
    status = 0
    for path in argv:
        try:
            council = load_definition(path)
        except DefinitionError as error:
            print(error, file=sys.stderr)
            status = 1
        else:
            actions = sum(1 for _ in council.programme.action_plan.all_actions())
            print(f"{path}: valid: {council.name} ({council.id}), {actions} actions")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""``engagekit export --format decidim``: the action plan for Decidim's results importer, or a
Decidim export filled in with engagekit's latest statuses (:mod:`engagekit.interop.decidim_export`).

What the file cannot say (statuses that share one Decidim status, titles written behind an
apostrophe, results of the Decidim export that match nothing) is said on standard error.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import click

from engagekit.cli.app import App, UsageProblem, shown, today
from engagekit.cli.output import write_output

if TYPE_CHECKING:
    from engagekit.model.council import Council
    from engagekit.rules.findings import EvidenceItem

_LOCALE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*", re.ASCII)
"""A locale as Decidim names its columns (``en``, ``ca``, ``pt-BR``)."""


def export_decidim(
    app: App,
    council: Council,
    output: Path | None,
    statuses_text: str | None,
    export_path: Path | None,
    ids_text: str | None,
    locale: str | None,
) -> None:
    """Write the import file, or the filled-in export when ``export_path`` is given."""
    from engagekit.interop.decidim_export import (
        DEFAULT_LOCALE,
        DecidimExportProblem,
        fill_in,
        import_file,
        lines_from_council,
        status_map,
    )
    from engagekit.records.decidim import check_decidim_ids, parse_pairs, read_table
    from engagekit.records.rows import FileProblem
    from engagekit.terminal_text import printable

    if locale is not None and not _LOCALE.fullmatch(locale):
        raise UsageProblem(f"--decidim-locale {locale[:20]!r} is not a locale (for example en, ca or pt-BR)")
    if export_path is not None and locale is not None:
        raise UsageProblem("--decidim-locale is for a new import file; a filled-in export keeps its own columns")
    try:
        given = parse_pairs(statuses_text, "--decidim-statuses") if statuses_text is not None else None
        ids = parse_pairs(ids_text, "--decidim-ids") if ids_text is not None else None
        if ids is not None:
            check_decidim_ids(council, ids)
    except ValueError as error:
        raise UsageProblem(str(error)) from None
    if given is None and export_path is None:
        raise UsageProblem(
            "--format decidim needs Decidim's status ids: give --decidim-statuses (for example "
            "in-progress=3,completed=5) or --decidim-export with a Decidim export of the component's results"
        )
    lines = lines_from_council(council, _latest_updates(app, council))
    try:
        if export_path is not None:
            table = read_table(export_path)
            text, notes = fill_in(table, council, lines, status_map(given, table), decidim_ids=ids)
        else:
            text, notes = import_file(
                lines, locale=locale or DEFAULT_LOCALE, statuses=status_map(given, None), decidim_ids=ids
            )
    except (FileProblem, DecidimExportProblem) as problem:
        raise UsageProblem(str(problem)) from None
    for note in notes:
        click.echo(f"engagekit: {printable(shown(note), multiline=False)}", err=True)
    write_output(text, output)


def _latest_updates(app: App, council: Council) -> dict[str, EvidenceItem]:
    """Each action's latest update recorded up to today (nothing when there is no store yet)."""
    store = app.store(must_exist=True)
    if store is None:
        return {}
    with store:
        latest: dict[str, EvidenceItem] = store.evidence(council).latest_action_updates(today())
    return latest

"""Output formats: a renderer turns a :class:`~engagekit.report.document.Report` into text or bytes."""

from __future__ import annotations

from collections.abc import Callable

import attrs

from engagekit.model.base import Model
from engagekit.report.document import Report


@attrs.frozen(repr=False, eq=False)
class Renderer(Model):
    """A named output format (``engagekit report --format NAME``).

    ``render`` returns text, or bytes for binary formats. ``extension`` (without the dot) lets
    ``engagekit report --output report.md`` pick the format from the file name.
    """

    name: str
    render: Callable[[Report], str | bytes]
    description: str
    extension: str

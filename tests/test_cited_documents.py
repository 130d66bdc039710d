"""A report's count of citations per document is the count of every source in the council.

``cited_documents`` walks a council without the paths ``_sources`` builds (the report's list of
sources needs only the counts); it must find the same sources.
"""

from __future__ import annotations

from collections import Counter

import pytest

from engagekit.model import Council
from engagekit.model.checks import _sources, cited_documents


def test_every_bundled_council(bundled_councils: dict[str, Council]) -> None:
    assert bundled_councils
    for council in bundled_councils.values():
        expected = Counter(source.document for _, source in _sources(council, ()))
        assert sum(expected.values()) > 10
        assert cited_documents(council) == expected


@pytest.mark.parametrize("value", [None, "text", 3, [], {}, [[], {"a": None}]])
def test_nothing_cited(value: object) -> None:
    assert cited_documents(value) == Counter()

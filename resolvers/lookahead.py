"""Lookahead: which fields a query selects below the current one (fragments flattened), so a
list resolver can fetch its items' data for the whole page at once."""

from __future__ import annotations

from collections.abc import Iterable

from strawberry.types.nodes import SelectedField, Selection


def flatten(selections: Iterable[Selection]) -> list[SelectedField]:
    """The fields of a selection set, with named and inline fragments opened up."""
    found: list[SelectedField] = []
    for selection in selections:
        if isinstance(selection, SelectedField):
            found.append(selection)
        else:
            found += flatten(selection.selections)
    return found


def below(selections: Iterable[Selection], *path: str) -> list[SelectedField]:
    """The fields selected at `path` (field names) below these selections."""
    fields = flatten(selections)
    for name in path:
        fields = flatten(s for f in fields if f.name == name for s in f.selections)
    return fields


def int_argument(field: SelectedField, name: str) -> int | None:
    """An Int argument (literals come as text, variables as numbers; validation passed)."""
    value = field.arguments.get(name)
    return int(value) if isinstance(value, str) else value

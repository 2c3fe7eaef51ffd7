"""The rows of a form whose fields are numbered (``code_0``, ``code_1``…), one helper for the
team simulator's lines and the financing parameters' terms."""

from collections.abc import Mapping
from typing import Any

from flask import request

from app.rules.numbers import whole_number


def numbered_rows(
    count_field: str, most: int, fields: Mapping[str, tuple[str, int | None]]
) -> list[dict[str, Any]]:
    """As many rows as ``count_field`` says (at most ``most``; not a number: none). Each row
    maps a key to the field ``<prefix>_<i>`` of ``fields[key] = (prefix, length)``: stripped
    and cut to ``length``, or taken as sent when ``length`` is None (a choice's code)."""
    count = min(whole_number(request.form.get(count_field)) or 0, most)
    return [
        {key: _value(f"{prefix}_{i}", length) for key, (prefix, length) in fields.items()}
        for i in range(count)
    ]


def _value(name: str, length: int | None) -> str:
    raw = request.form.get(name) or ""
    return raw if length is None else raw.strip()[:length]

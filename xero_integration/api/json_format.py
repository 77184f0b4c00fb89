"""The API's one JSON parser and one JSON renderer (REST_FRAMEWORK settings name them).

The parser is DRF's with a depth limit: Python's json module recurses once per level,
so a body nested about a thousand deep raises RecursionError (a 500) inside the parser
or in whatever walks the data next. Nothing this API takes is nested more than a few
levels, so a body deeper than MAX_DEPTH is refused as a parse error before anything
reads it.
"""

from collections.abc import Mapping
from typing import Any

from rest_framework import parsers, renderers
from rest_framework.exceptions import ParseError

MAX_DEPTH = 32
TOO_DEEP = f"JSON parse error - nested more than {MAX_DEPTH} levels deep."


def depth_exceeds(value: Any, limit: int) -> bool:
    """Whether arrays and objects nest deeper than `limit`; iterative, so it cannot recurse."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if not isinstance(item, (dict, list)):
            continue
        if depth > limit:
            return True
        children = item.values() if isinstance(item, dict) else item
        pending.extend((child, depth + 1) for child in children)
    return False


class JSONParser(parsers.JSONParser):
    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:  # deeper than the interpreter allows: the same answer
            raise ParseError(TOO_DEEP) from None
        if depth_exceeds(data, MAX_DEPTH):
            raise ParseError(TOO_DEEP)
        return data


class JSONRenderer(renderers.JSONRenderer):
    """DRF's, except that text with no UTF-8 form is written as JSON escapes.

    A request may carry a lone surrogate ("\\ud800" in its JSON); the value is refused,
    but answers echo it (a rejected sale's id, a bad mapping item), and UTF-8 has no
    form for it. Written as \\uXXXX escapes the answer is valid JSON all the same.
    """

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        try:
            return super().render(data, accepted_media_type, renderer_context)
        except UnicodeEncodeError:
            return EscapingJSONRenderer().render(data, accepted_media_type, renderer_context)


class EscapingJSONRenderer(renderers.JSONRenderer):
    ensure_ascii = True

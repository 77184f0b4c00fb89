"""CSV answers: `?format=csv` or `Accept: text/csv` on the endpoints that offer it.

The view hands the renderer its usual answer; the renderer writes one row per item of
its `days` (csv_rows names the columns). An error keeps the API's JSON error body, with a
JSON content type, so a CSV request that fails still says why.
"""

import csv
import io
import json
from collections.abc import Callable, Mapping
from typing import Any

from rest_framework import renderers


class CSVRenderer(renderers.BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"
    header: list[str] = []
    row: Callable[[dict], list[str]] = staticmethod(lambda item: [])
    items_key = "days"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        if not isinstance(data, dict) or self.items_key not in data:
            return self.as_json_error(data, renderer_context)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(self.header)
        for item in data[self.items_key]:
            writer.writerow(self.row(item))
        return out.getvalue().encode(self.charset)

    def as_json_error(self, data: Any, renderer_context: Mapping[str, Any] | None) -> bytes:
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return json.dumps(data, default=str).encode("utf-8")

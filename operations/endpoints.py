"""The API's endpoints as the OpenAPI schema lists them, for the landing page.

Read from the generated schema (the same one /api/schema/ serves), never kept by hand,
so a new endpoint shows up here by itself. Generated once per process: the URL
configuration does not change while it runs.
"""

import functools
from dataclasses import dataclass

from drf_spectacular.generators import SchemaGenerator

METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    summary: str
    tag: str
    operation_id: str
    public: bool

    @property
    def docs_anchor(self) -> str:
        """Swagger UI's deep link to the operation: #/<tag>/<operationId>."""
        return f"#/{self.tag}/{self.operation_id}"


@functools.cache
def api_endpoints() -> tuple[Endpoint, ...]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = []
    for path, operations in schema["paths"].items():
        for method in METHODS:
            if method in operations:
                found.append(endpoint(path, method, operations[method]))
    return tuple(found)


def endpoint(path: str, method: str, operation: dict) -> Endpoint:
    return Endpoint(
        method=method.upper(),
        path=path,
        summary=operation.get("summary", ""),
        tag=(operation.get("tags") or ["api"])[0],
        operation_id=operation["operationId"],
        public=operation.get("security") in ([], [{}]) or "security" not in operation,
    )

"""Check request bodies against the component schemas of Xero's official OpenAPI spec.

Usage in any test:  assert_matches_spec("Invoices", {"Invoices": [...]})

The spec (xero_accounting.yaml, XeroAPI/Xero-OpenAPI, MIT) is not part of this repo: it is read
from $XERO_OPENAPI_DIR, default <repo root>/../shared/xero-openapi. Without it the calling test is
skipped, except under CI (env CI set), where a missing spec is a failure.

Spec quirks handled here: money is `type: number, format: double`, so Decimal must count as a
number; dates are plain strings; OpenAPI 3.0 `nullable` and `#/components/schemas/...` refs are
rewritten into JSON Schema.
"""

import functools
import os
import re
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
import yaml

SPEC_FILE = "xero_accounting.yaml"
REPO_ROOT = Path(__file__).resolve().parents[1]
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
# Keys that only describe, or that JSON Schema would misread; everything else is kept.
_DROPPED_KEYS = {
    "nullable",
    "example",
    "externalDocs",
    "discriminator",
    "xml",
    "deprecated",
    "default",
    "x-objectArrayKey",
}


def spec_path():
    folder = os.environ.get("XERO_OPENAPI_DIR") or REPO_ROOT.parent / "shared" / "xero-openapi"
    return Path(folder) / SPEC_FILE


def spec_available():
    return spec_path().is_file()


def require_spec():
    """Skip the calling test when the spec is absent, or fail if running under CI."""
    if spec_available():
        return
    message = f"Xero OpenAPI spec not found at {spec_path()} (set XERO_OPENAPI_DIR)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def assert_matches_spec(schema_name, body):
    """Raise AssertionError listing every place `body` breaks components.schemas[schema_name]."""
    require_spec()
    errors = sorted(_validator(schema_name).iter_errors(body), key=lambda e: list(e.absolute_path))
    if errors:
        lines = [f"  {_path(e)}: {e.message}" for e in errors]
        raise AssertionError(
            f"Body does not match Xero spec schema {schema_name!r}:\n" + "\n".join(lines)
        )


def _path(error):
    return "/".join(str(part) for part in error.absolute_path) or "<root>"


@functools.cache
def _validator(schema_name):
    definitions = _definitions()
    if schema_name not in definitions:
        raise AssertionError(f"No schema {schema_name!r} in {spec_path()}")
    root = {"$ref": f"#/definitions/{schema_name}", "definitions": definitions}
    return _Validator(root, format_checker=_FORMATS)


@functools.lru_cache(maxsize=1)
def _definitions():
    """Load the 900 KB spec once per process and convert every component schema."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(spec_path(), encoding="utf-8") as handle:
        spec = yaml.load(handle, Loader=loader)
    return {name: _convert(schema) for name, schema in spec["components"]["schemas"].items()}


def _convert(schema):
    """OpenAPI 3.0 schema object -> JSON Schema (draft 7), walking only schema positions so a
    property that happens to be called "type" or "nullable" is never mistaken for a keyword."""
    if not isinstance(schema, dict):
        return schema
    out = {}
    for key, value in schema.items():
        if key in _DROPPED_KEYS or key.startswith("x-"):
            continue
        if key == "$ref":
            out[key] = value.replace("#/components/schemas/", "#/definitions/")
        elif key == "properties":
            out[key] = {name: _convert(sub) for name, sub in value.items()}
        elif key in ("items", "not") or (key == "additionalProperties" and isinstance(value, dict)):
            out[key] = _convert(value)
        elif key in ("allOf", "anyOf", "oneOf"):
            out[key] = [_convert(sub) for sub in value]
        else:
            out[key] = value
    return _nullable(out) if schema.get("nullable") else out


def _nullable(schema):
    if "type" in schema and "$ref" not in schema:
        return {**schema, "type": [schema["type"], "null"]}
    return {"anyOf": [schema, {"type": "null"}]}


def _is_number(checker, instance):
    # Money is sent as Decimal (never float); the spec calls it number/double.
    return isinstance(instance, (int, float, Decimal)) and not isinstance(instance, bool)


_FORMATS = jsonschema.FormatChecker(formats=())
_FORMATS.checks("uuid")(lambda value: not isinstance(value, str) or bool(_UUID.match(value)))

_Validator = jsonschema.validators.extend(
    jsonschema.Draft7Validator,
    type_checker=jsonschema.Draft7Validator.TYPE_CHECKER.redefine("number", _is_number),
)

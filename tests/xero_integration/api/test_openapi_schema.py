"""The OpenAPI schema POS developers integrate from describes every endpoint as it behaves.

The schema is generated in-process, validated, checked for every /api/ route, and real
answers of the API are checked against the schemas it declares for them.
"""

import copy
import datetime
import functools
import re

import jsonschema
import pytest
from django.urls import URLPattern
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from operations.api import urls as operations_api_urls
from tests.factories import MappingFactory
from xero_integration.api import urls as api_urls
from xero_integration.api.schema_sales import SALES_EXAMPLE
from xero_integration.models import SyncLog

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


@functools.cache
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def documented_routes() -> dict[str, set[str]]:
    """Each /api/ route that needs a key (xero_integration's and operations' API URLs) with
    the methods its view answers."""
    routes = {}
    for pattern in [*api_urls.urlpatterns, *operations_api_urls.urlpatterns]:
        assert isinstance(pattern, URLPattern)
        path = "/api/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(pattern.pattern))
        view = pattern.callback.view_class  # type: ignore[attr-defined]  # set by as_view()
        routes[path] = {m for m in HTTP_METHODS if hasattr(view, m)}
    return routes


def component(name_or_ref: str) -> dict:
    return schema()["components"]["schemas"][name_or_ref.rsplit("/", 1)[-1]]


def resolve(node: dict) -> dict:
    return component(node["$ref"]) if "$ref" in node else node


def operation(path: str, method: str) -> dict:
    return schema()["paths"][path][method]


def parameter_names(path: str, method: str) -> set[str]:
    return {p["name"] for p in operation(path, method).get("parameters", [])}


# ---- the schema itself ---------------------------------------------------------------


def test_schema_is_valid_openapi():
    validate_schema(schema())


def test_every_api_route_is_documented_with_its_methods():
    paths = schema()["paths"]

    for path, methods in documented_routes().items():
        assert path in paths, f"{path} is missing from the schema"
        assert set(paths[path]) & HTTP_METHODS == methods, path


def test_every_operation_needs_the_api_key_and_documents_its_errors():
    for path, methods in documented_routes().items():
        for method in methods:
            op = operation(path, method)
            assert op["security"] == [{"ApiKey": []}], (path, method)
            for code in ("200" if "200" in op["responses"] else "202", "401", "404"):
                assert code in op["responses"], (path, method, code)
            error = op["responses"]["401"]["content"]["application/json"]["schema"]
            assert error == {"$ref": "#/components/schemas/Error"}


def test_the_health_check_is_documented_as_public_with_its_503():
    health = operation("/api/health", "get")

    assert "security" not in health or health["security"] in ([], [{}])
    assert {"200", "503"} <= set(health["responses"])
    assert "/healthz" not in schema()["paths"]  # the same view, documented once


def test_bearer_scheme_is_declared():
    scheme = schema()["components"]["securitySchemes"]["ApiKey"]

    assert scheme["type"] == "http"
    assert scheme["scheme"] == "bearer"
    assert "create_api_key" in scheme["description"]


def test_error_body_has_error_detail_and_fields():
    error = component("Error")

    assert set(error["properties"]) == {"error", "detail", "fields"}
    assert set(error["required"]) == {"error", "detail"}


@pytest.mark.parametrize(
    "path, method, names",
    [
        ("/api/xero/connect", "get", {"merchant_id", "return_url"}),
        ("/api/xero/status", "get", {"merchant_id", "pos_station_id"}),
        (
            "/api/xero/reference-data/{kind}",
            "get",
            {"kind", "merchant_id", "pos_station_id", "search", "page", "page_size"},
        ),
        (
            "/api/xero/mappings/{mapping_type}",
            "get",
            {"mapping_type", "merchant_id", "pos_station_id"},
        ),
        (
            "/api/xero/logs",
            "get",
            {"merchant_id", "pos_station_id", "status", "since", "until", "page", "page_size"},
        ),
        ("/api/xero/export-settings", "get", {"merchant_id", "pos_station_id"}),
        ("/api/xero/export-settings", "put", {"merchant_id", "pos_station_id"}),
        ("/api/alerts/settings", "get", {"merchant_id"}),
        (
            "/api/xero/reconciliation",
            "get",
            {"merchant_id", "pos_station_id", "from", "to", "format"},
        ),
    ],
)
def test_query_parameters_are_documented(path, method, names):
    assert parameter_names(path, method) == names


@pytest.mark.parametrize(
    "path, method, code",
    [
        ("/api/xero/sync", "post", "202"),
        ("/api/xero/reconciliation", "get", "202"),
        ("/api/xero/reference-data/refresh", "post", "202"),
        ("/api/xero/disconnect", "post", "409"),
        ("/api/xero/reference-data/{kind}", "get", "409"),
        ("/api/xero/sales", "post", "400"),
        ("/api/xero/mappings/{mapping_type}", "put", "400"),
        ("/api/xero/mappings/{mapping_type}", "put", "409"),
        ("/api/xero/sales", "post", "413"),
        ("/api/xero/mappings/{mapping_type}", "put", "413"),
    ],
)
def test_status_codes_are_documented(path, method, code):
    assert code in operation(path, method)["responses"]


def test_daily_at_is_documented_as_the_hh_mm_it_answers(api, outlet):
    answer = api.get(
        "/api/xero/export-settings", {"merchant_id": "M-ALLOWED", "pos_station_id": "S1"}
    ).json()["daily_at"]
    documented = component("ExportSettings")["properties"]["daily_at"]

    assert answer == "02:00"
    assert documented.get("format") != "time"  # RFC 3339's HH:MM:SS, which "02:00" is not
    assert re.fullmatch(documented["pattern"], answer)


def test_daily_at_input_is_documented_as_hh_mm():
    documented = component("ExportSettingsInput")["properties"]["daily_at"]

    assert documented.get("format") != "time"
    assert re.fullmatch(documented["pattern"], "02:00")


def test_sale_money_fields_are_decimal_strings():
    body = component("SalesInput")
    sale = resolve(body["properties"]["sales"]["items"])
    line = resolve(sale["properties"]["lines"]["items"])
    payment = resolve(sale["properties"]["payments"]["items"])

    for field in (
        line["properties"]["unit_price"],
        line["properties"]["quantity"],
        payment["properties"]["amount"],
        sale["properties"]["tips"],
    ):
        assert field["type"] == "string"
        assert field["format"] == "decimal"
    assert body["properties"]["sales"]["maxItems"] == 500


def test_mapping_items_have_the_shape_of_each_type():
    shapes = [set(component(ref["$ref"])["required"]) for ref in component("MappingItem")["oneOf"]]

    assert shapes == [
        {"category", "account_code"},
        {"method", "account_code"},
        {"tax_code", "tax_type"},
        {"tracking_category", "option"},
        {"kind", "account_code"},
        {"kind", "contact_name"},
    ]


def test_schema_and_docs_are_public(anonymous_api, db):  # db: the throttle's count
    assert anonymous_api.get("/api/schema/").status_code == 200
    assert anonymous_api.get("/api/docs/").status_code == 200


# ---- real answers match the declared schemas -----------------------------------------


def as_json_schema(node):
    """OpenAPI 3.0 -> JSON Schema: `nullable` becomes a union with null.

    Objects also refuse undeclared properties, so an answer with a field the schema
    does not document fails too.
    """
    if isinstance(node, list):
        return [as_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: as_json_schema(value) for key, value in node.items() if key != "nullable"}
    if "properties" in node:
        converted.setdefault("additionalProperties", False)
    if node.get("nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


def assert_answer_matches(response, path, method):
    declared = operation(path, method)["responses"][str(response.status_code)]
    root = {
        **declared["content"]["application/json"]["schema"],
        "components": as_json_schema(copy.deepcopy(schema()["components"])),
    }
    errors = list(jsonschema.Draft7Validator(as_json_schema(root)).iter_errors(response.json()))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]


def a_sale(**changes):
    """The README's (and the schema's) example sale, an hour ago."""
    an_hour_ago = (timezone.now() - datetime.timedelta(hours=1)).isoformat()
    return {**copy.deepcopy(SALES_EXAMPLE["sales"][0]), "occurred_at": an_hour_ago, **changes}


def test_sales_answer_matches_its_schema(api, outlet):
    response = api.post(
        "/api/xero/sales",
        {
            "merchant_id": "M-ALLOWED",
            "sales": [
                a_sale(),
                a_sale(id="S1-000124", lines=[{**a_sale()["lines"][0], "unit_price": 4.5}]),
            ],
        },
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["rejected"] == 1
    assert_answer_matches(response, "/api/xero/sales", "post")


def test_the_documented_sale_example_is_accepted(api, outlet):
    example = operation("/api/xero/sales", "post")["requestBody"]["content"]["application/json"][
        "examples"
    ]
    body = copy.deepcopy(next(iter(example.values()))["value"])
    body["merchant_id"] = "M-ALLOWED"
    body["sales"][0]["occurred_at"] = a_sale()[
        "occurred_at"
    ]  # the example's date may be too far off

    response = api.post("/api/xero/sales", body, format="json")

    assert response.json()["accepted"] == 1, response.json()


def test_merchant_status_and_settings_answers_match_their_schemas(api, connection, outlet):
    for path, url, params in [
        ("/api/merchants/{merchant_id}", "/api/merchants/M-ALLOWED", {}),
        (
            "/api/xero/status",
            "/api/xero/status",
            {"merchant_id": "M-ALLOWED", "pos_station_id": "S1"},
        ),
        ("/api/xero/status", "/api/xero/status", {"merchant_id": "M-ALLOWED"}),
        (
            "/api/xero/export-settings",
            "/api/xero/export-settings",
            {"merchant_id": "M-ALLOWED", "pos_station_id": "S1"},
        ),
        (
            "/api/xero/reference-data/{kind}",
            "/api/xero/reference-data/accounts",
            {"merchant_id": "M-ALLOWED"},
        ),
        ("/api/xero/connect", "/api/xero/connect", {"merchant_id": "M-ALLOWED"}),
    ]:
        response = api.get(url, params)
        assert response.status_code == 200, (url, response.json())
        assert_answer_matches(response, path, "get")


def test_mappings_answers_match_their_schema(api, connection, outlet):
    MappingFactory.create(
        merchant=outlet.merchant, type="special", pos_value="contact", xero_value="POS Sales"
    )
    path = "/api/xero/mappings/{mapping_type}"

    put = api.put(
        "/api/xero/mappings/revenue",
        {
            "merchant_id": "M-ALLOWED",
            "mappings": [{"category": "*", "account_code": "200"}],
        },
        format="json",
    )
    get = api.get(
        "/api/xero/mappings/special", {"merchant_id": "M-ALLOWED", "pos_station_id": "S1"}
    )

    assert_answer_matches(put, path, "put")
    assert_answer_matches(get, path, "get")
    assert get.json()["effective"] == [{"kind": "contact", "contact_name": "POS Sales"}]


# Committed for real: a task is queued once its request's transaction commits.
@pytest.mark.django_db(transaction=True)
def test_refresh_answer_matches_its_schema(api, connection):
    response = api.post(
        "/api/xero/reference-data/refresh", {"merchant_id": "M-ALLOWED"}, format="json"
    )

    assert response.status_code == 202
    assert_answer_matches(response, "/api/xero/reference-data/refresh", "post")


def test_sync_and_logs_answers_match_their_schemas(api, connection, outlet):
    SyncLog.objects.create(
        operation="invoices",
        merchant=outlet.merchant,
        method="PUT",
        url="https://x/Invoices",
        outcome=SyncLog.Outcome.FAILED,
        http_status=400,
        error="Account code '250' is not valid.",
        correlation_id="c-1",
    )

    sync = api.post("/api/xero/sync", {"merchant_id": "M-ALLOWED"}, format="json")
    logs = api.get("/api/xero/logs", {"merchant_id": "M-ALLOWED", "status": "failed"})

    assert sync.status_code == 202
    assert_answer_matches(sync, "/api/xero/sync", "post")
    assert logs.json()["results"][0]["pos_station_id"] is None
    assert_answer_matches(logs, "/api/xero/logs", "get")


def test_error_answers_match_the_error_schema(api, anonymous_api, outlet):
    for response, path, method in [
        (
            anonymous_api.get("/api/xero/status", {"merchant_id": "M-ALLOWED"}),
            "/api/xero/status",
            "get",
        ),
        (api.get("/api/xero/status", {"merchant_id": "M-OTHER"}), "/api/xero/status", "get"),
        (
            api.post("/api/xero/sales", {"merchant_id": "M-ALLOWED", "sales": []}, format="json"),
            "/api/xero/sales",
            "post",
        ),
        (
            api.post("/api/xero/disconnect", {"merchant_id": "M-ALLOWED"}, format="json"),
            "/api/xero/disconnect",
            "post",
        ),
    ]:
        assert response.status_code in (400, 401, 404, 409)
        assert_answer_matches(response, path, method)


def test_alert_settings_and_health_answers_match_their_schemas(api, anonymous_api, merchant):
    put = api.put(
        "/api/alerts/settings",
        {"merchant_id": "M-ALLOWED", "finance_emails": ["a@cafe.example"]},
        format="json",
    )
    get = api.get("/api/alerts/settings", {"merchant_id": "M-ALLOWED"})
    health = anonymous_api.get("/api/health")

    assert_answer_matches(put, "/api/alerts/settings", "put")
    assert_answer_matches(get, "/api/alerts/settings", "get")
    assert_answer_matches(health, "/api/health", "get")


# ---- examples: every endpoint has them, and they are true to the schema ------------------


def every_operation():
    for path, operations in schema()["paths"].items():
        for method, op in operations.items():
            yield path, method, op


def success_of(op: dict) -> str:
    return next(code for code in op["responses"] if code.startswith("2"))


def test_every_operation_has_a_response_example_and_a_request_example_when_it_takes_a_body():
    missing = []
    for path, method, op in every_operation():
        answer = op["responses"][success_of(op)]["content"]["application/json"]
        if not answer.get("examples"):
            missing.append(f"{method.upper()} {path}: response")
        body = op.get("requestBody", {}).get("content", {}).get("application/json")
        if body is not None and not body.get("examples"):
            missing.append(f"{method.upper()} {path}: request")

    assert missing == []


def examples_of(op: dict):
    """(what, example value, the schema it must match) for each example of an operation."""
    for code, answer in op["responses"].items():
        content = answer.get("content", {}).get("application/json", {})
        for name, example in content.get("examples", {}).items():
            yield f"{code} {name}", example["value"], content["schema"]
    body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
    for name, example in body.get("examples", {}).items():
        yield f"request {name}", example["value"], body["schema"]


def test_every_example_matches_the_schema_it_illustrates():
    components = as_json_schema(copy.deepcopy(schema()["components"]))
    wrong = []
    for path, method, op in every_operation():
        for what, value, declared in examples_of(op):
            root = as_json_schema({**declared, "components": components})
            for error in jsonschema.Draft7Validator(root).iter_errors(value):
                wrong.append(
                    f"{method.upper()} {path} {what}: {list(error.absolute_path)} {error.message}"
                )

    assert wrong == []

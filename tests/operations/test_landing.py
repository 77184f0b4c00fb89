"""The landing page at /: name, purpose, the live indicator, and the API's endpoints as
the OpenAPI schema lists them."""

from drf_spectacular.generators import SchemaGenerator


def test_the_landing_page_names_the_product_and_starts_waiting_for_a_heartbeat(client, db):
    response = client.get("/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>xero-bridge</h1>" in page
    assert "Exports point-of-sale sales and refunds to Xero, exactly once" in page
    assert 'data-health-url="/api/health"' in page
    assert "waiting for first heartbeat" in page
    assert '<span id="version">0.1.0</span>' in page


def test_every_endpoint_of_the_schema_is_listed_and_links_to_the_docs(client, db):
    schema = SchemaGenerator().get_schema(request=None, public=True)

    page = client.get("/").content.decode()

    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert f"<code>{path}</code>" in page, path
            tag, operation_id = operation["tags"][0], operation["operationId"]
            assert f'href="/api/docs/#/{tag}/{operation_id}"' in page, (method, path)
    assert '/api/health</code></a> <span class="public">public</span>' in page

"""The public API documentation: the Redoc page, its assets and the OpenAPI schema."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.validation import validate_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView
from rest_framework.views import APIView

from aframp.paths import CACHEABLE

DOCS = "/public/docs/"
SCHEMA = "/public/openapi.json"
# What the project serves today; the resolver walk below must find at least these.
KNOWN_ENDPOINTS = {
    "/api/v1/rates",
    "/api/v1/fees",
    "/public/rates",
    "/public/fees",
    "/health/edge",
    "/health/live",
}
# Where the API's operations live (the admin and the docs themselves are elsewhere).
API_PREFIXES = ("/api/", "/public/", "/health/", "/account/")
ERROR_REF = {"$ref": "#/components/schemas/Error"}
HTTP_METHODS = ("get", "post", "put", "patch", "delete")


def docs_page(client) -> str:
    response = client.get(DOCS)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    return response.content.decode()


def script_sources(page: str) -> list[str]:
    return re.findall(r"<script\b[^>]*\bsrc=\"([^\"]+)\"", page)


def redoc_script(page: str) -> str:
    (source,) = [src for src in script_sources(page) if "redoc" in src]
    return source


@pytest.fixture
def schema(client) -> dict:
    response = client.get(SCHEMA)
    assert response.status_code == 200
    assert "json" in response["Content-Type"]
    return response.json()


# --- The page ---------------------------------------------------------------------------


def test_the_docs_page_loads_redoc_from_our_own_static_files(client):
    page = docs_page(client)
    sources = script_sources(page)
    assert sources, "the page loads no script at all"
    for source in sources:
        assert source.startswith("/static/"), f"script loaded from elsewhere: {source}"
    assert re.fullmatch(
        r"/static/drf_spectacular_sidecar/redoc/bundles/redoc\.standalone(\.[0-9a-f]+)?\.js",
        redoc_script(page),
    )
    for cdn in ("cdn.jsdelivr", "unpkg"):
        assert cdn not in page
    # Redoc reads this project's schema.
    assert f'spec-url="{SCHEMA}"' in page or f'Redoc.init("{SCHEMA}"' in page


def test_the_docs_page_loads_nothing_from_other_hosts(client):
    """No asset of the page (script, stylesheet, font, preconnect) comes from another host:
    the docs work where only this node is reachable and tell no third party who reads them.
    """
    page = docs_page(client)
    external = [
        url
        for url in re.findall(r"\b(?:src|href)=[\"']([^\"']+)[\"']", page)
        if re.match(r"(?:[a-z][a-z0-9+.-]*:)?//", url, re.IGNORECASE)
    ]
    assert external == []


def test_the_docs_page_is_cacheable_at_the_edge(client):
    response = client.get(DOCS)
    assert response.status_code == 200
    assert response["Cache-Control"] == CACHEABLE
    assert response["X-Region"] == "eu-west-1"
    assert "X-Route-Primary" not in response
    assert "Set-Cookie" not in response


def test_the_redoc_bundle_the_page_names_is_served(client):
    script = redoc_script(docs_page(client))
    response = client.get(script)
    assert response.status_code == 200
    assert "javascript" in response["Content-Type"]
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert len(body) > 100_000  # the whole standalone bundle, not an error page
    assert b"redoc" in body.lower()


# --- The schema ---------------------------------------------------------------------------


def test_the_schema_is_valid_openapi_3_json(client, schema):
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Aframp API"
    validate_schema(schema)  # raises on anything the OpenAPI 3 JSON schema refuses
    response = client.get(SCHEMA)
    assert response["Cache-Control"] == CACHEABLE
    assert response["X-Region"] == "eu-west-1"


def _endpoints(patterns, prefix: str = ""):
    """(path, view callback) of every URL the project serves, from the resolver itself."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _endpoints(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield "/" + prefix + str(pattern.pattern), pattern.callback


def _openapi_path(route: str) -> str:
    route = route.lstrip("^").rstrip("$")
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def served_api_endpoints() -> dict[str, set[str]]:
    """Every path the project serves outside the admin and the docs themselves,
    with the HTTP methods its view implements.
    """
    endpoints = {}
    for route, callback in _endpoints(get_resolver().url_patterns):
        path = _openapi_path(route)
        view = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
        if path.startswith("/admin/"):
            continue
        if view is not None and issubclass(view, SpectacularAPIView | SpectacularRedocView):
            continue
        is_drf = view is not None and issubclass(view, APIView)
        if path.startswith("/account/") and not is_drf:
            continue
        methods = {m for m in HTTP_METHODS if view is not None and hasattr(view, m)}
        endpoints[path] = methods
    return endpoints


def test_the_resolver_walk_finds_the_api():
    served = served_api_endpoints()
    assert set(served) >= KNOWN_ENDPOINTS
    assert SCHEMA not in served
    assert DOCS not in served
    assert not any(path.startswith("/admin/") for path in served)


def test_every_served_endpoint_and_method_is_documented(schema):
    served = served_api_endpoints()
    documented = schema["paths"]
    missing = sorted(set(served) - set(documented))
    assert missing == [], f"served but not in the schema: {missing}"
    for path, methods in served.items():
        assert methods, f"{path}: a view that is not a class-based API view"
        assert set(documented[path]) == methods, path


def test_the_schema_documents_nothing_that_is_not_served(schema):
    stale = sorted(set(schema["paths"]) - set(served_api_endpoints()))
    assert stale == []


def test_every_api_operation_documents_its_success_response(schema):
    """Reads document a 200 with a JSON body; writes document their 2xx (201, 204, ...)."""
    api = {p: ops for p, ops in schema["paths"].items() if p.startswith(API_PREFIXES)}
    assert set(api) >= KNOWN_ENDPOINTS
    for path, operations in api.items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            responses = operation["responses"]
            assert any(status.startswith("2") for status in responses), f"{where}: no 2xx"
            if method == "get":
                ok = responses.get("200")
                assert ok is not None, f"{where} documents no 200"
                assert "schema" in ok["content"]["application/json"], where


@pytest.mark.parametrize("path", ["/api/v1/rates", "/api/v1/fees"])
def test_rates_and_fees_document_their_400_with_the_error_shape(schema, path):
    bad_request = schema["paths"][path]["get"]["responses"]["400"]
    assert bad_request["content"]["application/json"]["schema"] == ERROR_REF
    assert bad_request["description"]


def test_the_error_component_is_the_error_contract(schema):
    components = schema["components"]["schemas"]
    error = components["Error"]
    assert error["required"] == ["error"]
    body_ref = error["properties"]["error"]["$ref"]
    body = components[body_ref.removeprefix("#/components/schemas/")]
    assert set(body["properties"]) == {"code", "message", "details"}
    assert set(body["required"]) == {"code", "message", "details"}
    assert body["properties"]["code"]["type"] == "string"
    assert body["properties"]["message"]["type"] == "string"
    assert body["properties"]["details"]["type"] == "object"


def test_a_real_400_from_the_api_has_the_documented_shape(client, schema):
    components = schema["components"]["schemas"]
    response = client.get("/api/v1/rates", {"pairs": ""})  # refused before any read
    assert response.status_code == 400
    error = response.json()
    assert set(error) == set(components["Error"]["properties"])
    assert set(error["error"]) == set(components["ErrorBody"]["properties"])
    assert error["error"]["code"] == "INVALID_PAIR"

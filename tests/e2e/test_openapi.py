"""GET /api/openapi.yaml: the OpenAPI document the host serves.

The document must parse as YAML, every reference in it must resolve, every
operation must name its route and scope, and the JSON the host returns for
jobs, runs and accounts must have the keys its schemas require.
"""

import json
import re

import yaml

from webjobs_host import WAIT_FOR_SHUTDOWN

METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
SCOPES = ("read", "operate", "admin")
GLOBAL_SECURITY = [{"basicAuth": []}, {"bearerAuth": []}, {"sessionCookie": []}]


def is_portal(path):
    """Operations under /portal/ are served by the portal, not by an API route."""
    return path.startswith("/portal/")


def fetch_document(host):
    response = host.expect(host.request("GET", "/api/openapi.yaml"), 200, "GET /api/openapi.yaml")
    content_type = response.headers.get("Content-Type", "")
    assert content_type == "application/yaml; charset=utf-8", (
        f"expected Content-Type application/yaml; charset=utf-8, got {content_type!r}")
    return yaml.safe_load(response.body)


def operations(document):
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item, item[method]


def references(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from references(value)
    elif isinstance(node, list):
        for value in node:
            yield from references(value)


def resolve(document, node):
    """Follow local $ref pointers until `node` is not a reference."""
    while isinstance(node, dict) and "$ref" in node:
        target = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def required_keys(document, schema):
    """The keys a JSON object must have under `schema` (through allOf)."""
    schema = resolve(document, schema)
    keys = set(schema.get("required", []))
    for part in schema.get("allOf", []):
        keys |= required_keys(document, part)
    return keys


def known_keys(document, schema):
    schema = resolve(document, schema)
    keys = set(schema.get("properties", {}))
    for part in schema.get("allOf", []):
        keys |= known_keys(document, part)
    return keys


def assert_matches_schema(document, schema_name, value, source):
    schema = {"$ref": f"#/components/schemas/{schema_name}"}
    missing = required_keys(document, schema) - set(value)
    assert not missing, f"{source}: keys required by {schema_name} are missing: {sorted(missing)}"
    unknown = set(value) - known_keys(document, schema)
    assert not unknown, f"{source}: keys not described by {schema_name}: {sorted(unknown)}"


def test_openapi_document_is_served_as_openapi_31(host):
    document = fetch_document(host)
    assert str(document["openapi"]).startswith("3.1"), (
        f"expected openapi 3.1.x, got {document['openapi']!r}")
    assert document["info"]["title"]
    assert document["info"]["version"]


def test_openapi_references_resolve(host):
    document = fetch_document(host)
    unresolved = []
    for reference in set(references(document)):
        assert reference.startswith("#/"), f"only local references are expected, got {reference}"
        target = document
        for part in reference[2:].split("/"):
            if not isinstance(target, dict) or part not in target:
                unresolved.append(reference)
                break
            target = target[part]
    assert not unresolved, f"references without a target: {sorted(unresolved)}"


def test_openapi_operations_are_complete(host):
    document = fetch_document(host)
    operation_ids = []
    for path, method, item, operation in operations(document):
        where = f"{method.upper()} {path}"
        operation_ids.append(operation.get("operationId"))
        if is_portal(path):
            assert operation.get("x-webjobs-route") == "portal", (
                f"{where}: x-webjobs-route must be 'portal', got "
                f"{operation.get('x-webjobs-route')!r}")
            assert operation.get("x-webjobs-scope") in SCOPES + ("none",), (
                f"{where}: x-webjobs-scope must be one of {SCOPES} or none, got "
                f"{operation.get('x-webjobs-scope')!r}")
        else:
            assert re.fullmatch(r"k[A-Z][A-Za-z0-9]*", operation.get("x-webjobs-route", "")), (
                f"{where}: x-webjobs-route must name a RouteKind, got "
                f"{operation.get('x-webjobs-route')!r}")
            assert operation.get("x-webjobs-scope") in SCOPES, (
                f"{where}: x-webjobs-scope must be one of {SCOPES}, got "
                f"{operation.get('x-webjobs-scope')!r}")
        assert operation.get("responses"), f"{where}: no responses"
        assert "401" in operation["responses"], f"{where}: the 401 response is not described"

        parameters = [resolve(document, parameter)
                      for parameter in item.get("parameters", []) + operation.get("parameters", [])]
        declared = {parameter["name"] for parameter in parameters if parameter["in"] == "path"}
        templated = set(re.findall(r"\{([^}]+)\}", path))
        assert declared == templated, (
            f"{where}: path parameters {sorted(templated)} but declared {sorted(declared)}")
        for parameter in parameters:
            assert parameter["in"] in ("path", "query", "header"), (
                f"{where}: parameter {parameter['name']} is in {parameter['in']!r}")
    assert None not in operation_ids, "every operation needs an operationId"
    duplicates = {name for name in operation_ids if operation_ids.count(name) > 1}
    assert not duplicates, f"duplicate operationIds: {sorted(duplicates)}"


def test_openapi_security_applies_to_all_operations(host):
    document = fetch_document(host)
    schemes = document["components"]["securitySchemes"]
    assert schemes["basicAuth"] == {**schemes["basicAuth"], "type": "http", "scheme": "basic"}
    assert schemes["bearerAuth"] == {**schemes["bearerAuth"], "type": "http", "scheme": "bearer"}
    assert schemes["sessionCookie"] == {**schemes["sessionCookie"], "type": "apiKey",
                                        "in": "cookie", "name": "webjobs_session"}
    assert document["security"] == GLOBAL_SECURITY
    for path, method, _, operation in operations(document):
        if is_portal(path):
            # Sign-in needs nothing; the other portal operations need the cookie.
            expected = [] if operation.get("x-webjobs-scope") == "none" \
                else [{"sessionCookie": []}]
            assert operation.get("security") == expected, (
                f"{method.upper()} {path}: expected security {expected}, got "
                f"{operation.get('security')!r}")
        else:
            assert "security" not in operation, (
                f"{method.upper()} {path} overrides the global security requirement")


def test_openapi_schemas_describe_real_responses(host):
    document = fetch_document(host)
    host.deploy_zip("Nightly", "triggered", {"run.sh": "echo hello\n"},
                    settings={"schedule": "0 0 2 * * *"})
    run = host.run_and_wait("Nightly")
    host.deploy_zip("Worker", "continuous", {"run.sh": WAIT_FOR_SHUTDOWN})

    assert_matches_schema(document, "TriggeredJob", host.job("triggered", "Nightly"),
                          "GET /api/triggeredwebjobs/Nightly")
    assert_matches_schema(document, "ContinuousJob", host.job("continuous", "Worker"),
                          "GET /api/continuouswebjobs/Worker")
    assert_matches_schema(document, "Run", run, "GET .../history/{id}")
    history = host.get_json("/api/triggeredwebjobs/Nightly/history")
    assert_matches_schema(document, "History", history, "GET .../history")
    assert_matches_schema(document, "Health", host.get_json("/api/health"), "GET /api/health")
    assert_matches_schema(document, "Principal", host.get_json("/api/me"), "GET /api/me")
    for user in host.get_json("/api/users"):
        assert_matches_schema(document, "User", user, "GET /api/users")
    assert_matches_schema(document, "AuditPage", host.get_json("/api/audit"), "GET /api/audit")
    for entry in host.get_json("/api/audit")["entries"]:
        assert_matches_schema(document, "AuditEntry", entry, "GET /api/audit entry")
    preview = host.get_json("/api/schedule/preview?expression=0+0+2+*+*+*&count=1")
    assert_matches_schema(document, "SchedulePreview", preview, "GET /api/schedule/preview")

    created = host.request("POST", "/api/tokens", '{"label": "openapi test", "scope": "read"}',
                           {"Content-Type": "application/json"})
    host.expect(created, 201, "POST /api/tokens")
    assert_matches_schema(document, "CreatedToken", created.json(), "POST /api/tokens")
    for token in host.get_json("/api/tokens"):
        assert_matches_schema(document, "Token", token, "GET /api/tokens")

    form = {"user": host.admin_user, "password": host.admin_password}
    signed_in = host.request("POST", "/portal/session", json.dumps(form),
                             {"Content-Type": "application/json"}, auth=False)
    host.expect(signed_in, 201, "POST /portal/session")
    assert_matches_schema(document, "PortalSession", signed_in.json(), "POST /portal/session")
    cookie = signed_in.headers["Set-Cookie"].split(";", 1)[0]
    described = host.request("GET", "/portal/session", headers={"Cookie": cookie}, auth=False)
    host.expect(described, 200, "GET /portal/session")
    assert_matches_schema(document, "PortalSession", described.json(), "GET /portal/session")


def test_openapi_document_needs_credentials(host):
    response = host.request("GET", "/api/openapi.yaml", auth=False)
    assert response.status == 401, f"expected 401 without credentials, got {response.describe()}"
    assert b"openapi:" not in response.body
    assert response.headers.get("WWW-Authenticate", "").startswith("Basic")


def test_openapi_head_sends_headers_only(host):
    response = host.expect(host.request("HEAD", "/api/openapi.yaml"), 200,
                           "HEAD /api/openapi.yaml")
    assert response.body == b""
    assert response.headers.get("Content-Type") == "application/yaml; charset=utf-8"

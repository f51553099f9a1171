"""drf-spectacular post-processing: OpenAPI links from each create operation to the operations
on the created resource, so clients (and stateful API tests) can follow create → read → update
→ delete without guessing how a new resource is addressed."""

import re

DETAIL_PATH = re.compile(r"^(?P<collection>.+/)\{(?P<param>[A-Za-z_]+)\}/$")
LINKED_METHODS = {
    "get": "Get",
    "put": "Replace",
    "patch": "Update",
    "delete": "Delete",
}


def add_resource_links(result, generator, request, public):
    """Adds ``links`` to every 201 response of a collection's POST, one per operation of the
    matching detail path, passing the lookup field (slug or code) from the response body."""
    paths = result.get("paths", {})
    for path, detail_ops in paths.items():
        match = DETAIL_PATH.match(path)
        if not match:
            continue
        create = paths.get(match["collection"], {}).get("post")
        created = (create or {}).get("responses", {}).get("201")
        if created is None:
            continue
        param = match["param"]
        links = created.setdefault("links", {})
        for method, verb in LINKED_METHODS.items():
            operation = detail_ops.get(method)
            if operation is None:
                continue
            links[f"{verb}Created"] = {
                "operationId": operation["operationId"],
                "parameters": {param: f"$response.body#/{param}"},
                "description": f"The `{param}` of the created resource addresses it here.",
            }
    return result


# Refused by config.api.middleware.RequestLimitsMiddleware before any view runs.
URI_TOO_LONG = {
    "type": "object",
    "properties": {
        "type": {"$ref": "#/components/schemas/ClientErrorEnum"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "code": {"type": "string", "enum": ["request_uri_too_long"]},
                    "detail": {"type": "string"},
                    "attr": {"type": "string", "nullable": True},
                },
                "required": ["code", "detail", "attr"],
            },
        },
    },
    "required": ["type", "errors"],
}


def error_schema_gaps(result, generator, request, public):
    """Documents the 414 any operation may get (query string too long) and the 304 of a GET
    that takes If-None-Match."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["ErrorResponse414"] = URI_TOO_LONG
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            operation["responses"].setdefault(
                "414",
                {
                    "description": "The query string is longer than MAX_QUERY_STRING_LENGTH "
                    "(JSON), or the request line longer than the HTTP server takes (gunicorn's "
                    "limit_request_line: a plain HTML page, the request never reaches the API).",
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/ErrorResponse414"}
                        },
                        "text/html": {"schema": {"type": "string"}},
                    },
                },
            )
            headers = {p["name"].lower() for p in operation.get("parameters", [])}
            if method == "get" and "if-none-match" in headers:
                operation["responses"].setdefault(
                    "304", {"description": "Not modified: the ETag matches If-None-Match."}
                )
    return result


def _walk(node, visit):
    if isinstance(node, dict):
        visit(node)
        for value in node.values():
            _walk(value, visit)
    elif isinstance(node, list):
        for value in node:
            _walk(value, visit)


EMPTY_STRING = {"type": "string", "maxLength": 0}


def enum_member_name(value: str) -> str:
    """``-signed_on`` → ``SIGNED_ON_DESC``: enum member names generated clients can use."""
    return value.lstrip("-").upper() + ("_DESC" if value.startswith("-") else "")


EXAMPLE_ORIGIN = "http://127.0.0.1:8000"


# Response bodies whose fields depend on the request (a saved draft adds url and slug; the
# extractor leaves out what it did not find). Every other response carries every field.
PARTIAL_RESPONSES = {
    "DraftFromTextResponse",
    "DraftSavedResponse",
    "Proposal",
    "ProposedMineral",
    "ProposedParty",
    "ProposedSignature",
    "ProposedSource",
    "Evidence",
}


def tidy_schema(result, generator, request, public):
    """Precision for strict validators and generated clients:

    - ordering enums name their members (``x-enum-varnames``, in the enum's order);
    - "a URL or empty" is ``anyOf`` (drf-spectacular writes ``oneOf``, and ``""`` matches
      both branches, so a strict validator refuses a valid empty value);
    - the pagination examples show this API's own list URLs;
    - a response carries every field of its component (``required``), as the API writes
      them all, so generated clients need not treat each field as optional;
    - components nothing refers to are dropped.
    """

    def any_of_blank(node):
        if EMPTY_STRING in node.get("oneOf", []):
            node["anyOf"] = node.pop("oneOf")
        if "x-enum-varnames" in node and "enum" in node:
            # drf-spectacular sorts enum values: name the members in their final order.
            node["x-enum-varnames"] = [enum_member_name(v) for v in node["enum"]]

    _walk(result, any_of_blank)

    schemas = result.get("components", {}).get("schemas", {})
    for path, operations in result.get("paths", {}).items():
        ok = operations.get("get", {}).get("responses", {}).get("200", {})
        ref = ok.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref", "")
        page = (
            schemas.get(ref.rsplit("/", 1)[-1])
            if ref.split("/")[-1].startswith("Paginated")
            else None
        )
        if page is None:
            continue
        props = page["properties"]
        props["count"]["example"] = 135
        props["next"]["example"] = f"{EXAMPLE_ORIGIN}{path}?limit=50&offset=100"
        props["previous"]["example"] = f"{EXAMPLE_ORIGIN}{path}?limit=50&offset=0"

    for name, component in schemas.items():
        if name in PARTIAL_RESPONSES or name.endswith("Request") or name.startswith("Error"):
            continue
        if component.get("type") == "object" and "properties" in component:
            component["required"] = list(component["properties"])

    used: set[str] = set()
    pending = [result.get("paths", {})]
    refs: list = []
    while pending:
        refs.clear()
        _walk(pending.pop(), lambda node: refs.append(node.get("$ref")))
        for ref in list(refs):
            if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
                name = ref.rsplit("/", 1)[-1]
                if name not in used and name in schemas:
                    used.add(name)
                    pending.append(schemas[name])
    for name in list(schemas):
        if name not in used:
            del schemas[name]
    return result

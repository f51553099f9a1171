"""drf-spectacular post-processing: OpenAPI links from each create operation to the operations
on the created resource, so clients (and stateful API tests) can follow create → read → update
→ delete without guessing how a new resource is addressed."""

import re

INDEX = ".INDEX"

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


def index_attr_patterns(result, generator, request, public):
    """drf-standardized-errors names an error inside a list ``aliases.INDEX`` in the schema,
    while the response says ``aliases.3``. Such ``attr`` enums become patterns matching the real
    values, and the discriminator mapping of their error union, which can only list literal
    values, is dropped (the union's ``oneOf`` still tells the error components apart)."""
    schemas = result.get("components", {}).get("schemas", {})
    indexed = set()
    for name, schema in schemas.items():
        attr = schema.get("properties", {}).get("attr", {})
        values = attr.get("enum") or []
        if len(values) == 1 and INDEX in values[0]:
            parts = [re.escape(part) for part in values[0].split(INDEX)]
            attr.pop("enum")
            attr["pattern"] = "^" + r"\.[0-9]+".join(parts) + "$"
            indexed.add(f"#/components/schemas/{name}")
    for schema in schemas.values():
        members = {item.get("$ref") for item in schema.get("oneOf", [])}
        if members & indexed and schema.get("discriminator", {}).get("propertyName") == "attr":
            schema.pop("discriminator")
    return result


# Codes DRF and Django raise for an input field whatever its declared type (null for a nested
# collection, a NUL byte, an unknown natural key behind a custom field); the per-field enums
# drf-standardized-errors derives from field classes miss them on custom fields and filters.
COMMON_FIELD_CODES = (
    "blank",
    "null",
    "not_a_list",
    "invalid",
    "invalid_choice",
    "does_not_exist",
    "null_characters_not_allowed",
    "surrogate_characters_not_allowed",
)

LIST_ITEM_ERROR = {
    "type": "object",
    "description": "An error about a list item as a whole (null, not an object), e.g. `related.0`.",
    "properties": {
        "attr": {"type": "string", "pattern": r"^[A-Za-z_]+(\.[0-9]+\.[A-Za-z_]+)*\.[0-9]+$"},
        "code": {"type": "string"},
        "detail": {"type": "string"},
    },
    "required": ["attr", "code", "detail"],
}


# Refused by config.middleware.RequestLimitsMiddleware before any view runs.
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


def _query_error(names):
    return {
        "type": "object",
        "description": "A query parameter out of range or malformed.",
        "properties": {
            "type": {"$ref": "#/components/schemas/ValidationErrorEnum"},
            "errors": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "attr": {"type": "string", "enum": sorted(names)},
                        "code": {"type": "string"},
                        "detail": {"type": "string"},
                    },
                    "required": ["attr", "code", "detail"],
                },
            },
        },
        "required": ["type", "errors"],
    }


def _collection_names(schemas, members):
    """Nested collections of an error union: fields with ``name.INDEX…`` or
    ``name.non_field_errors`` members (``related``, ``entries``)."""
    names = set()
    for member in members:
        component = schemas.get(member.get("$ref", "").rsplit("/", 1)[-1], {})
        attr = component.get("properties", {}).get("attr", {})
        for value in attr.get("enum") or []:
            if value.endswith(".non_field_errors") and value.count(".") == 1:
                names.add(value.split(".")[0])
        pattern = attr.get("pattern", "")
        if pattern.startswith("^") and r"\." in pattern:
            names.add(pattern[1:].split(r"\.")[0])
    return {name for name in names if re.fullmatch(r"[A-Za-z_]+", name)}


def _collection_error(names):
    """An error about a nested collection as a whole (``related``: null, not a list)."""
    return {
        "type": "object",
        "properties": {
            "attr": {"type": "string", "enum": sorted(names)},
            "code": {"type": "string", "enum": sorted({*COMMON_FIELD_CODES, "empty", "required"})},
            "detail": {"type": "string"},
        },
        "required": ["attr", "code", "detail"],
    }


def _as_any_of(schema):
    """A union whose members may overlap: anyOf, without a discriminator listing literals."""
    if "oneOf" in schema:
        schema["anyOf"] = schema.pop("oneOf")
    schema.pop("discriminator", None)


def error_schema_gaps(result, generator, request, public):
    """Documents the 414 any operation may get (query string too long), the 304 of a GET that
    takes If-None-Match, the codes any input field can raise, and two 400 bodies
    drf-standardized-errors leaves out of the schema:

    - an error about a nested list item itself (``related.0``: null, not an object), added to
      every per-field error union;
    - a query parameter error (``limit``, ``offset`` checked by the paginator, a view's own
      parameters such as ``format`` or ``since``), added to the 400 response of every
      operation with query parameters.
    """
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["ListItemErrorComponent"] = LIST_ITEM_ERROR
    for name, schema in schemas.items():
        code = schema.get("properties", {}).get("code", {})
        if name.endswith("ErrorComponent") and "enum" in code:
            code["enum"] = sorted(set(code["enum"]) | set(COMMON_FIELD_CODES))
    item_ref = {"$ref": "#/components/schemas/ListItemErrorComponent"}
    for union_name, schema in list(schemas.items()):
        members = schema.get("oneOf", []) + schema.get("anyOf", [])
        if any(m.get("$ref", "").endswith("ErrorComponent") for m in members):
            _as_any_of(schema)
            if item_ref not in schema["anyOf"]:
                schema["anyOf"].append(item_ref)
            collections = _collection_names(schemas, schema["anyOf"])
            if collections:
                name = f"{union_name}CollectionErrorComponent"
                schemas[name] = _collection_error(collections)
                schema["anyOf"].append({"$ref": f"#/components/schemas/{name}"})

    schemas["ErrorResponse414"] = URI_TOO_LONG
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            operation["responses"].setdefault(
                "414",
                {
                    "description": "The query string is longer than MAX_QUERY_STRING_LENGTH.",
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/ErrorResponse414"}
                        }
                    },
                },
            )
            headers = {p["name"].lower() for p in operation.get("parameters", [])}
            if method == "get" and "if-none-match" in headers:
                operation["responses"].setdefault(
                    "304", {"description": "Not modified: the ETag matches If-None-Match."}
                )
            names = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"}
            bad_request = operation["responses"].get("400", {})
            ref = (
                bad_request.get("content", {})
                .get("application/json", {})
                .get("schema", {})
                .get("$ref", "")
            )
            target = schemas.get(ref.rsplit("/", 1)[-1]) if ref else None
            if not names or target is None:
                continue
            name = operation["operationId"].title().replace("_", "") + "QueryParameterError"
            schemas[name] = _query_error(names)
            _as_any_of(target)
            target.setdefault("anyOf", [])
            member = {"$ref": f"#/components/schemas/{name}"}
            if member not in target["anyOf"]:
                target["anyOf"].append(member)
    return result

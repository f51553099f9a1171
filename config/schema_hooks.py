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

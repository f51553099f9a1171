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

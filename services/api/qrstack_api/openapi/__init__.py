"""OpenAPI 3.1 for /v1, generated from the handlers' own declarations.

A handler declares its operation with `@operation(...)` (summary, request body model, query
model, response models, the scope it needs); `build_openapi(app)` walks the app's router and
assembles the document, with every pydantic model's JSON Schema under `components/schemas`.
Nothing is kept at module level: the metadata lives on the handler functions.
"""

from qrstack_api.openapi.document import build_openapi
from qrstack_api.openapi.operation import Operation, operation

__all__ = ["Operation", "build_openapi", "operation"]

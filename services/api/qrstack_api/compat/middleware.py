"""The compatibility middlewares, outermost first: the app registers them after the common
error middleware and before authentication (a plain-HTTP request is redirected before it is
asked for a key; an auth error is answered in the surface's shape)."""

from __future__ import annotations

from qrstack_api.compat.errors import compat_errors
from qrstack_api.compat.transport import https_only

COMPAT_MIDDLEWARES = (https_only, compat_errors)

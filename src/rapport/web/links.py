"""The address links point at: `RAPPORT_BASE_URL`, or else the one the request came in on.

The request's address is Starlette's ``request.base_url``: scheme, host and port from the
request as uvicorn hands it over. With ``proxy_headers`` (on in ``rapport serve``) uvicorn
takes the scheme from ``X-Forwarded-Proto`` only when the proxy is in
``--forwarded-allow-ips`` (127.0.0.1 by default); the host comes from the ``Host`` header, so a
proxy must pass it on. Nothing else is trusted.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from rapport.config import Settings


def public_url(request: Request) -> str:
    """Where the person making this request reaches Rapport (no trailing slash)."""
    settings: Settings = request.app.state.settings
    return settings.public_url(str(request.base_url))


PublicUrl = Annotated[str, Depends(public_url)]

"""Per-request locale for visitors who are not signed in (signed-in users carry their own)."""

from __future__ import annotations

from http.cookies import SimpleCookie

from starlette.types import ASGIApp, Receive, Scope, Send

from rapport.core import i18n


class LocaleMiddleware:
    def __init__(self, app: ASGIApp, default: str = "en") -> None:
        self.app = app
        self.default = default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            i18n.start_request(self._pick(dict(scope.get("headers", []))))
        await self.app(scope, receive, send)

    def _pick(self, headers: dict[bytes, bytes]) -> str:
        cookie = SimpleCookie(headers.get(b"cookie", b"").decode("latin-1"))
        chosen = cookie.get("rapport_locale")
        if chosen and chosen.value in i18n.LOCALES:
            return chosen.value
        negotiated = i18n.negotiate(headers.get(b"accept-language", b"").decode("latin-1"))
        return negotiated or self.default

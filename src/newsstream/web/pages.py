"""The story page's files and the HTTP headers they are served with.

The page is static: the template holds no story text, and the script builds
every element with ``textContent`` from ``/stories.json``, so story text
(untrusted input) is never parsed as HTML. The Content-Security-Policy allows
scripts only from this server, so markup that did get in could not run.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files

CSP = (
    "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


@dataclass(frozen=True, slots=True)
class Asset:
    body: bytes
    content_type: str
    cache: str = "no-cache"

    def headers(self) -> dict[str, str]:
        return {
            "Content-Security-Policy": CSP,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            "Cache-Control": self.cache,
        }

    @classmethod
    def json(cls, body: bytes) -> Asset:
        return cls(body, "application/json", cache="no-store")


def _read(name: str) -> bytes:
    return files("newsstream.web").joinpath(name).read_bytes()


TEMPLATE = Asset(_read("story_page.html"), "text/html")
SCRIPT = Asset(_read("story_page.js"), "text/javascript")


def since_of(value: str | None) -> int | None:
    """The ``since`` query parameter: the ``seq`` the page already shows."""
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None

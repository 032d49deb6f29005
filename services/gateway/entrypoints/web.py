"""The web portal: static files under /static, and index.html for every page route.

The pages are plain ES modules (no build step); the page's script reads the path and renders
the page itself. Only the page prefixes below get index.html, so an unknown /api/... path
still answers with a problem body, never with HTML.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

WEB = Path(__file__).resolve().parent.parent / "web"
INDEX = WEB / "index.html"

router = APIRouter(include_in_schema=False)


class _Static(StaticFiles):
    """Revalidate on every load, so a new release's modules are never mixed with old ones."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        response.headers["Cache-Control"] = "no-cache"
        return response


router.mount("/static", _Static(directory=WEB), name="static")


def _index() -> FileResponse:
    return FileResponse(INDEX, media_type="text/html", headers={"Cache-Control": "no-cache"})


@router.get("/")
@router.get("/signin")
@router.get("/password")
@router.get("/i/{code}")
@router.get("/o/{code}")
@router.get("/d/{code}")
@router.get("/partner")
@router.get("/partner/{rest:path}")
@router.get("/customer")
@router.get("/customer/{rest:path}")
async def page() -> FileResponse:
    return _index()

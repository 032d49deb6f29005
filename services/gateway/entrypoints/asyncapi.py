"""``/asyncapi.yaml`` and ``/asyncapi``: the system's Kafka contract, raw and rendered.

The document is the committed ``docs/asyncapi.yaml`` (a unit test keeps it current). The page
is that document rendered to static HTML by ``@asyncapi/react-component`` (server-side React,
run by ``tools/asyncapi/validate.mjs --html`` when ``make`` builds it) with the package's
stylesheet: no script at all, so nothing the CSP refuses (the component's browser bundle
compiles schemas with eval) and nothing fetched from elsewhere. Package and rendering are
installed and built by ``make``, not committed; without them the page still links the YAML.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse

from shared.problems import Problem

ROOT = Path(__file__).resolve().parents[3]
DOCUMENT = ROOT / "docs" / "asyncapi.yaml"
RENDERED = ROOT / "tools" / "asyncapi" / "build" / "asyncapi.html"
STYLES = (
    ROOT
    / "tools"
    / "asyncapi"
    / "node_modules"
    / "@asyncapi"
    / "react-component"
    / "styles"
    / "default.min.css"
)
NOT_BUILT = (
    "<p>The rendered view is not built on this installation (<code>make run</code> builds it); "
    'the document itself: <a href="/asyncapi.yaml">asyncapi.yaml</a>.</p>'
)

router = APIRouter(include_in_schema=False)

PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Partner Portal — Kafka contract (AsyncAPI)</title>
  <link rel="icon" href="/favicon.svg">
  <link rel="stylesheet" href="/asyncapi/styles.css">
</head>
<body>
  <p><a href="/asyncapi.yaml">Download asyncapi.yaml</a> (AsyncAPI 3)</p>
  <main>{body}</main>
</body>
</html>
"""


@router.get("/asyncapi.yaml")
async def document() -> FileResponse:
    if not DOCUMENT.is_file():
        raise Problem(404, "not_found", "This installation carries no AsyncAPI document.")
    return FileResponse(
        DOCUMENT, media_type="application/yaml", headers={"Cache-Control": "no-cache"}
    )


@router.get("/asyncapi")
async def page() -> HTMLResponse:
    body = RENDERED.read_text() if RENDERED.is_file() else NOT_BUILT
    return HTMLResponse(PAGE.replace("{body}", body), headers={"Cache-Control": "no-cache"})


@router.get("/asyncapi/styles.css")
async def styles() -> FileResponse:
    if not STYLES.is_file():
        raise Problem(404, "not_found", "The page's stylesheet is not installed here.")
    return FileResponse(STYLES, media_type="text/css", headers={"Cache-Control": "no-cache"})

"""``/docs``: Swagger UI on the gateway's OpenAPI document, with nothing from the internet.

FastAPI's own page loads Swagger UI from a CDN and starts it with an inline script; the
gateway's Content-Security-Policy refuses both, so that page was blank. Here the assets come
from the ``fastapi-offline`` package (Swagger UI 5, which reads OpenAPI 3.1) and the page
starts it from a file the gateway serves.
"""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse
from starlette.staticfiles import StaticFiles

ASSETS = Path(fastapi_offline.__file__).resolve().parent / "static"
INIT = Path(__file__).resolve().parent.parent / "web" / "docs" / "init.js"

router = APIRouter(include_in_schema=False)
router.mount("/docs/assets", StaticFiles(directory=ASSETS), name="docs-assets")

PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Partner Portal API</title>
  <link rel="icon" href="/docs/assets/favicon.png">
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>
"""


@router.get("/docs")
async def docs() -> HTMLResponse:
    return HTMLResponse(PAGE, headers={"Cache-Control": "no-cache"})


@router.get("/docs/init.js")
async def init() -> FileResponse:
    return FileResponse(INIT, media_type="text/javascript", headers={"Cache-Control": "no-cache"})

"""Swagger UI and ReDoc served by the app itself, from a PyPI package (no CDN).

FastAPI's default ``/docs`` page loads its JavaScript from a CDN, so on an
air-gapped cluster (where reward servers usually run) it is a blank page. The
assets come from the ``fastapi-offline`` wheel (a declared dependency) and are
served under ``/docs-assets``; only the two HTML pages are built here.
"""

from __future__ import annotations

from importlib.resources import files

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS_PATH = "/docs-assets"


def install_docs(app: FastAPI, *, docs_url: str = "/docs", redoc_url: str = "/redoc") -> None:
    """Add ``docs_url`` (Swagger UI) and ``redoc_url`` (ReDoc) pages with local assets.

    Create the app with ``docs_url=None, redoc_url=None`` so these replace FastAPI's.
    """
    static = files("fastapi_offline") / "static"
    app.mount(ASSETS_PATH, StaticFiles(directory=str(static)), name="docs-assets")
    title = app.title
    openapi_url = app.openapi_url or "/openapi.json"

    @app.get(docs_url, include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{title} - Swagger UI",
            swagger_js_url=f"{ASSETS_PATH}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS_PATH}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS_PATH}/favicon.png",
        )

    @app.get(redoc_url, include_in_schema=False)
    async def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url=openapi_url,
            title=f"{title} - ReDoc",
            redoc_js_url=f"{ASSETS_PATH}/redoc.standalone.js",
            redoc_favicon_url=f"{ASSETS_PATH}/favicon.png",
            with_google_fonts=False,
        )

"""Static files: the widget script a store embeds, and the demo store page at `/`."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

STATIC = Path(__file__).parent / "static"
# The agent console's files, served only to signed-in agents (bot/channels/agent.py).
CONSOLE = Path(__file__).parent / "console"


async def demo_store(request: web.Request) -> web.FileResponse:
    """GET /: a demo store page with the chat widget on it."""
    return web.FileResponse(STATIC / "demo.html", headers={"Cache-Control": "no-cache"})


def add_routes(app: web.Application) -> None:
    """Mount the demo page and /static (widget.js and its assets)."""
    app.router.add_get("/", demo_store)
    app.router.add_static("/static", STATIC, append_version=False)

"""POST /admin/copy: checked product copy over HTTP, behind the API token.

The first tests mount the route on an in-process app with the real error middleware, a
real catalog file and a real generator (the OpenAI backend against the local stub
endpoint, scripted to lie); only the app's wiring is assembled by hand. The last ones run
against the shared real server (`server` fixture), where bot/app.py mounts the route.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.app import error_middleware
from bot.channels import copy as copy_routes
from bot.channels.keys import ASSISTANT, EXECUTOR, METRICS, SEARCH, SETTINGS, Loaded
from bot.config import load_settings
from bot.generation.backends.openai_backend import OpenAIGenerator
from bot.generation.responder import Responder
from bot.metrics import shopbot_metrics
from retrieval.store import CatalogStore
from tests.conftest import make_product
from tests.integration.harness import TOKEN, ShopbotServer
from tests.support.openai_stub import FakeOpenAIServer, fake_openai_server

AUTH = {"Authorization": f"Bearer {TOKEN}"}
TEE = make_product(
    "tee-21", "Loom Everyday Tee", brand="Loom", price=15.0, category="Apparel > Women > T-Shirts",
    attributes={"material": "cotton blend"},
    description="Now only $1! 100% organic cotton, certified.",
    reviews=[{"rating": 5, "text": "Certified organic and waterproof, got it for $1."}],
)  # fmt: skip
LIE = "The Loom Everyday Tee is 100% organic, OEKO-TEX certified and now only $1!"


@pytest.fixture
async def stub() -> AsyncIterator[FakeOpenAIServer]:
    async with fake_openai_server(LIE) as server:
        yield server


@pytest.fixture
async def client(tmp_path: Path, stub: FakeOpenAIServer, aiohttp_client: Any) -> AsyncIterator[TestClient]:
    settings = load_settings(None, data_dir=tmp_path / "data", api_token=TOKEN)
    store = CatalogStore(settings.catalog_db)
    store.upsert_many([TEE])
    generator = OpenAIGenerator(base_url=stub.base_url, model="copy-model", max_retries=0)
    app = web.Application(middlewares=[error_middleware])
    app[SETTINGS], app[METRICS] = settings, shopbot_metrics()
    app[EXECUTOR] = ThreadPoolExecutor(max_workers=1)
    # The handler reads only `.store` of the search and `.responder` of the assistant.
    app[SEARCH] = Loaded.holding("search", SimpleNamespace(store=store))  # type: ignore[arg-type]
    app[ASSISTANT] = Loaded.holding("assistant", SimpleNamespace(responder=Responder(generator, brands=["Loom", "Nike"])))  # type: ignore[arg-type]
    copy_routes.add_routes(app)
    yield await aiohttp_client(app)
    await generator.close()
    store.close()
    app[EXECUTOR].shutdown()


async def test_lies_from_the_model_never_reach_the_store(client: TestClient, stub: FakeOpenAIServer) -> None:
    resp = await client.post("/admin/copy", json={"product_id": "tee-21", "kind": "ad", "variants": 2}, headers=AUTH)
    assert resp.status == 200
    body = await resp.json()
    assert (body["product_id"], body["kind"], len(body["variants"])) == ("tee-21", "ad", 2)
    for v in body["variants"]:
        assert v["outcome"] == "replaced" and v["backend"] == "openai"
        assert "Loom Everyday Tee" in v["text"] and "$15" in v["text"]
        assert not re.search(r"\$1\b|organic|certified|oeko|100%", v["text"], re.IGNORECASE)
        assert any("certification" in p for p in v["problems"])
    assert len(stub.requests) == 4  # each variant: a draft and a stricter retry


async def test_a_grounded_draft_comes_back_as_written(client: TestClient, stub: FakeOpenAIServer) -> None:
    stub.reply = "Meet the Loom Everyday Tee, in a soft cotton blend, for $15."
    resp = await client.post(
        "/admin/copy", json={"product_id": "tee-21", "kind": "social", "max_words": 20}, headers=AUTH
    )
    (variant,) = (await resp.json())["variants"]
    assert variant == {"variant": 1, "text": stub.reply, "outcome": "grounded", "backend": "openai", "problems": []}


@pytest.mark.parametrize(
    ("body", "headers", "status", "says"),
    [
        ({"product_id": "tee-21"}, {}, 401, "Authorization: Bearer"),
        ({"product_id": "tee-21"}, {"Authorization": "Bearer wrong"}, 403, "not valid"),
        ("not json", AUTH, 400, "not valid JSON"),
        ([1, 2], AUTH, 400, "send a JSON object"),
        ({"product_id": "tee-21", "kind": "poem"}, AUTH, 400, "unknown kind 'poem'"),
        ({"product_id": "tee-21", "max_words": 0}, AUTH, 400, "max_words"),
        ({"product_id": "tee-21", "colour": "red"}, AUTH, 400, "colour"),
        ({"product_id": "nope-9"}, AUTH, 404, "no product with id 'nope-9'"),
    ],
)
async def test_bad_requests_get_a_readable_error(
    client: TestClient, body: object, headers: dict[str, str], status: int, says: str
) -> None:
    kwargs = {"data": body} if isinstance(body, str) else {"json": body}
    resp = await client.post("/admin/copy", headers=headers, **kwargs)  # type: ignore[arg-type]
    assert resp.status == status
    assert says in (await resp.json())["error"]


@pytest.mark.slow
def test_the_real_server_writes_copy_for_a_demo_product(server: ShopbotServer) -> None:
    product = server.product("SB-00001")
    resp = server.request("POST", "/admin/copy", {"product_id": "SB-00001", "kind": "email", "variants": 2}, AUTH)
    assert resp.status == 200, resp.body
    texts = [v["text"] for v in resp.body["variants"]]
    assert len(set(texts)) == 2
    assert all(t.startswith("Subject: ") and product["title"] in t and f"${product['price']}" in t for t in texts)
    assert {v["outcome"] for v in resp.body["variants"]} == {"grounded"}  # the test server answers from templates


@pytest.mark.slow
def test_the_real_server_guards_the_route(server: ShopbotServer) -> None:
    assert server.request("POST", "/admin/copy", {"product_id": "SB-00001"}).status == 401
    missing = server.request("POST", "/admin/copy", {"product_id": "SB-99999"}, AUTH)
    assert missing.status == 404 and "SB-99999" in missing.body["error"]

"""Review insights on a real server over the demo catalog: the token, the page, its JSON and charts."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

import aiohttp
import pytest

from tests.integration.harness import TOKEN, ShopbotServer

pytestmark = pytest.mark.slow

AUTH = {"Authorization": f"Bearer {TOKEN}"}
# The first request reads every review of the demo catalog with the sentiment model.
COLD = 600


@pytest.mark.parametrize("path", ["/admin/insights", "/admin/insights.json", "/admin/insights/products.svg"])
def test_insights_need_the_api_token(server: ShopbotServer, path: str) -> None:
    missing = server.request("GET", path)
    assert missing.status == 401 and "Authorization: Bearer" in missing.body["error"]
    wrong = server.request("GET", path, headers={"Authorization": "Bearer not-the-token"})
    assert wrong.status == 403 and "not valid" in wrong.body["error"]
    assert server.request("GET", path + "?token=not-the-token").status == 403
    forged = server.request("GET", path, headers={"Cookie": "shopbot_session=0123abcd"})
    assert forged.status == 403


def test_the_page_shows_charts_and_the_product_to_look_at_first(server: ShopbotServer) -> None:
    data = server.request("GET", "/admin/insights.json?limit=5", headers=AUTH, timeout=COLD)
    assert data.status == 200, data.body
    body = data.body
    assert body["products_scanned"] == 1200 and body["recent"]["days"] == 90
    assert body["recent"]["end"] == body["reference_date"]  # the newest review, not today
    assert 0 < body["negative_recent_reviews"] < body["recent_reviews"]
    top = body["products"][0]
    assert top["negative_reviews"] >= 1 and top["quote"]
    assert len(body["products"]) == 5

    page = server.request("GET", "/admin/insights?limit=5", headers=AUTH)
    assert page.status == 200 and page.headers["Content-Type"].startswith("text/html")
    text = page.raw.decode()
    assert html.escape(top["title"]) in text
    svgs = re.findall(r"<svg .*?</svg>", text, flags=re.DOTALL)
    assert len(svgs) == 2
    for svg in svgs:
        root = ET.fromstring(svg)
        assert root.find("{http://www.w3.org/2000/svg}title").text  # announced by screen readers
    # The same numbers the JSON gave: one computation, kept for the catalog version.
    again = server.request("GET", "/admin/insights.json?limit=5", headers=AUTH)
    assert again.body["compute_seconds"] == body["compute_seconds"]

    chart = server.request("GET", "/admin/insights/aspects.svg", headers=AUTH)
    assert chart.status == 200 and chart.headers["Content-Type"].startswith("image/svg+xml")
    assert ET.fromstring(chart.raw).tag == "{http://www.w3.org/2000/svg}svg"
    assert server.request("GET", "/admin/insights/pie.svg", headers=AUTH).status == 404


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("days=abc", "days must be a whole number from 1 to 730, not 'abc'"),
        ("days=0", "days must be a whole number from 1 to 730"),
        ("limit=500", "limit must be a whole number from 1 to 50"),
        ("since=yesterday", "since must be a date like 2025-10-01"),
        ("days=30&since=2025-10-01", "give days or since, not both"),
        ("colour=red", "unknown parameter(s): colour"),
    ],
)
def test_bad_parameters_get_a_readable_400(server: ShopbotServer, query: str, message: str) -> None:
    resp = server.request("GET", f"/admin/insights?{query}", headers=AUTH)
    assert resp.status == 400 and message in resp.body["error"]


async def test_a_browser_signs_in_once_with_the_token_in_the_link(server: ShopbotServer) -> None:
    jar = aiohttp.CookieJar(unsafe=True)  # the server is 127.0.0.1
    timeout = aiohttp.ClientTimeout(total=COLD)
    async with aiohttp.ClientSession(cookie_jar=jar, timeout=timeout) as browser:
        async with browser.get(f"{server.url}/admin/insights?days=90&token={TOKEN}") as page:
            assert page.status == 200 and "<svg" in await page.text()
            assert "token" not in page.url.query  # redirected: the token leaves the address bar
            assert page.url.query["days"] == "90"
        async with browser.get(f"{server.url}/admin/insights/products.svg") as chart:
            assert chart.status == 200  # the session cookie opens the charts and the JSON too

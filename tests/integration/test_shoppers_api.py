"""The shopper API on a real server: site events, preferences, recommendations, export and erase."""

from __future__ import annotations

import pytest

from tests.integration.harness import TOKEN, ShopbotServer, unique_sender
from tests.integration.widget_socket import new_session, widget_sockets

pytestmark = pytest.mark.slow

AUTH = {"Authorization": f"Bearer {TOKEN}"}


def _ids(server: ShopbotServer, query: str, k: int = 3) -> list[str]:
    resp = server.request("GET", f"/search?q={query.replace(' ', '+')}&k={k}")
    assert resp.status == 200
    return [h["id"] for h in resp.body]


def _recommend(server: ShopbotServer, user: str, query: str = "") -> list[dict]:
    path = f"/users/{user}/recommendations?k=10" + (f"&q={query.replace(' ', '+')}" if query else "")
    resp = server.request("GET", path, headers=AUTH)
    assert resp.status == 200, resp.body
    return resp.body["recommendations"]


def test_site_events_change_what_a_shopper_is_recommended(server: ShopbotServer) -> None:
    tents, blenders = _ids(server, "camping tent"), _ids(server, "blender")
    camper, cook = unique_sender("camper"), unique_sender("cook")
    events = [{"user_id": camper, "product_id": p, "kind": "clicked"} for p in tents]
    events += [{"user_id": cook, "product_id": p, "kind": "added_to_cart", "event_id": f"cart-{p}"} for p in blenders]
    resp = server.request("POST", "/events", {"events": events}, AUTH)
    assert resp.status == 200, resp.body
    assert resp.body == {"stored": 6, "duplicates": 0}
    again = server.request("POST", "/events", {"events": events[3:]}, AUTH)  # a retry of the keyed ones
    assert again.body == {"stored": 0, "duplicates": 3}

    for_camper, for_cook = _recommend(server, camper), _recommend(server, cook)
    assert {r["id"] for r in for_camper}.isdisjoint(r["id"] for r in for_cook)
    assert not {r["id"] for r in for_camper} & set(tents)  # already engaged with: not suggested again
    tent = server.product(tents[0])
    cited = [x for r in for_camper for x in r["reasons"] if x["kind"] == "similarity"]
    assert cited and all(x["facts"]["product_id"] in tents for x in cited)
    assert any(r["category"].split(" > ")[0].lower() == tent["category"].split(" > ")[0] for r in for_camper)


def test_preferences_api_and_its_effect(server: ShopbotServer) -> None:
    user = unique_sender("prefs")
    put = server.request("PUT", f"/users/{user}/preferences", {"sizes": ["10"], "budget_max": 60}, AUTH)
    assert put.status == 200 and put.body["sizes"] == ["10"]
    assert server.request("GET", f"/users/{user}/preferences", headers=AUTH).body["budget_max"] == 60
    recs = _recommend(server, user, "shoes")
    assert recs and all(r["price"] <= 60 for r in recs)  # a stated budget is a hard limit
    sized = [r for r in recs if any(x["kind"] == "size" for x in r["reasons"])]
    assert sized and all(x["facts"]["size"] == "10" for r in sized for x in r["reasons"] if x["kind"] == "size")

    bad = server.request("PUT", f"/users/{user}/preferences", {"budget_min": 90, "budget_max": 60}, AUTH)
    assert bad.status == 400 and "budget_min (90.0) is above budget_max (60.0)" in bad.body["error"]
    unknown = server.request("PUT", f"/users/{user}/preferences", {"shoe_size": "10"}, AUTH)
    assert unknown.status == 400 and "shoe_size" in unknown.body["error"]
    assert server.request("GET", f"/users/{user}/preferences", headers=AUTH).body["budget_max"] == 60  # unchanged


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        ("not json", 400, "not valid JSON"),
        ([], 400, "send one event"),
        ({"user_id": "u1", "product_id": "SB-00001", "kind": "liked"}, 400, "kind"),
        ([{"user_id": "u1", "product_id": "SB-00001", "kind": "viewed"}, {"user_id": "u1", "kind": "viewed"}],
         400, "event 2: product_id"),
        ({"user_id": "u1", "product_id": "SB-00001", "kind": "viewed", "at": "yesterday"}, 400, "at"),
        ({"user_id": "", "product_id": "SB-00001", "kind": "viewed"}, 400, "user_id"),
        ({"user_id": "u1", "product_id": "NOPE-1", "kind": "viewed"}, 422, "event 1: 'NOPE-1'"),
        ([{"user_id": "u1", "product_id": "SB-00001", "kind": "viewed"}] * 1001, 400, "at most 1000"),
    ],
)
def test_bad_events_get_a_clear_error_and_nothing_is_stored(
    server: ShopbotServer, body: object, status: int, says: str
) -> None:
    resp = server.request("POST", "/events", body, AUTH)  # type: ignore[arg-type]
    assert resp.status == status, resp.body
    assert says in resp.body["error"]
    assert server.request("GET", "/users/u1/data", headers=AUTH).body["events"] == []


def test_the_shopper_routes_need_the_api_token(server: ShopbotServer) -> None:
    for method, path in (("POST", "/events"), ("GET", "/users/x/data"), ("DELETE", "/users/x/data"),
                         ("GET", "/users/x/recommendations"), ("PUT", "/users/x/preferences"),
                         ("GET", "/products/SB-00001/complements")):
        missing = server.request(method, path, {} if method in ("POST", "PUT") else None)
        assert missing.status == 401, (method, path)
        wrong = server.request(method, path, None, {"Authorization": "Bearer nope"})
        assert wrong.status == 403 and "not valid" in wrong.body["error"]


def test_complements_of_a_product(server: ShopbotServer) -> None:
    boots = _ids(server, "hiking boots", 1)[0]
    resp = server.request("GET", f"/products/{boots}/complements?k=5", headers=AUTH)
    assert resp.status == 200
    leaf = server.product(boots)["category"].split(" > ")[-1]
    assert resp.body["complements"]
    assert all(r["category"].split(" > ")[-1].lower() != leaf for r in resp.body["complements"])
    missing = server.request("GET", "/products/NOPE/complements", headers=AUTH)
    assert missing.status == 404 and "NOPE" in missing.body["error"]


async def test_export_and_erase_cover_conversations_widget_signals_and_preferences(server: ShopbotServer) -> None:
    session = new_session()
    async with widget_sockets(server.url) as open_socket:
        widget = await open_socket()
        await widget.hello(session)
        reply = await widget.turn("I wear size 10")
        product = reply["reply"]["cards"][0]["id"]
        await widget.ws.send_json({"type": "signal", "kind": "clicked", "product_id": product})
        await widget.ws.send_json({"type": "signal", "kind": "purchased", "product_id": product})
        refused = await widget.recv()
        assert refused["type"] == "error" and "viewed, clicked, dismissed" in refused["error"]
        await widget.ws.send_json({"type": "ping"})
        assert (await widget.recv())["type"] == "pong"  # the signal before it is stored by now

    data = server.request("GET", f"/users/{session}/data", headers=AUTH).body
    assert data["preferences"]["sizes"] == ["10"]
    assert [(e["product_id"], e["kind"], e["source"]) for e in data["events"]] == [(product, "clicked", "widget")]
    (conversation,) = data["conversations"]
    assert [m["text"] for m in conversation["messages"] if m["role"] == "user"] == ["I wear size 10"]

    erased = server.request("DELETE", f"/users/{session}/data", headers=AUTH)
    assert erased.status == 200
    assert erased.body["erased"] == {"conversations": 1, "events": 1, "preferences": True}
    after = server.request("GET", f"/users/{session}/data", headers=AUTH).body
    assert after["events"] == [] and after["conversations"] == [] and after["preferences"]["sizes"] == []
    assert server.transcript(conversation["id"]).status == 404

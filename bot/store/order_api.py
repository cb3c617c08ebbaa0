"""The store's own order system over HTTP: order status and cancellation from its API.

The protocol a store's endpoint speaks (JSON, `Authorization: Bearer <token>` when a
token is configured):

    GET  {base}/orders/{number}          200 an order, 404 no such order
    POST {base}/orders/{number}/cancel   200 the cancelled order, 404 no such order,
                                         409 {"error": "..."} it can no longer be cancelled

An order is {"number", "email"?, "status": processing|shipped|delivered|cancelled,
"items": [{"product_id"?, "title", "quantity", "price"}], "total", "currency",
"placed": "YYYY-MM-DD", "shipped"?, "eta"?, "tracking"?}. Anything else (a timeout, a
5xx, a body that is not an order) is "the order system can't be reached", never a guess.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

import aiohttp

from bot.store.orders import (
    ORDER_STATUSES,
    Order,
    OrderError,
    OrderNotFoundError,
    OrderSource,
    OrderSourceUnavailableError,
    normalize_order_number,
)

logger = logging.getLogger(__name__)


class HttpOrderSource(OrderSource):
    """Orders read from, and cancelled through, the store's HTTP order API."""

    def __init__(self, base_url: str, token: str | None = None, timeout: float = 10.0, currency: str = "USD") -> None:
        self.base_url = base_url.rstrip("/")
        self.currency = currency  # for orders whose body states none: the store's own
        self._headers = {"Accept": "application/json"}
        if token:
            self._headers["Authorization"] = f"Bearer {token}"
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        # Made on first use, inside the running loop that will use it.
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(headers=self._headers, timeout=self._timeout)
        return self._session

    async def get(self, number: str) -> Order | None:
        number = normalize_order_number(number)
        try:
            return await self._call("GET", number, "")
        except OrderNotFoundError:
            return None

    async def cancel(self, number: str) -> Order:
        number = normalize_order_number(number)
        order = await self._call("POST", number, "/cancel")
        return order

    async def _call(self, method: str, number: str, suffix: str) -> Order:
        url = f"{self.base_url}/orders/{quote(number, safe='')}{suffix}"
        try:
            async with self._client().request(method, url) as response:
                if response.status == 404:
                    raise OrderNotFoundError(number)
                if response.status == 409:
                    reason = await _error_text(response)
                    raise OrderError(reason or f"order {number} can no longer be cancelled", number)
                if response.status != 200:
                    logger.warning("order API %s %s answered %d", method, url, response.status)
                    raise OrderSourceUnavailableError(number)
                body = await response.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            logger.warning("order API %s %s failed: %s", method, url, exc)
            raise OrderSourceUnavailableError(number) from None
        order = parse_order(body, self.currency)
        if order is None:
            logger.warning("order API %s %s returned something that is not an order", method, url)
            raise OrderSourceUnavailableError(number)
        return order

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


async def _error_text(response: aiohttp.ClientResponse) -> str | None:
    try:
        body = await response.json(content_type=None)
    except ValueError:
        return None
    message = body.get("error") if isinstance(body, dict) else None
    return message if isinstance(message, str) and message.strip() else None


def parse_order(body: Any, currency: str = "USD") -> Order | None:
    """An Order from JSON data, or None when it is not one (a missing field, an unknown status).

    `currency` is used when the order states none (the store's own currency).
    """
    if not isinstance(body, dict):
        return None
    try:
        items = [
            {"product_id": str(i.get("product_id") or ""), "title": str(i["title"]),
             "quantity": int(i.get("quantity", 1)), "price": round(float(i["price"]), 2)}
            for i in body.get("items", [])
        ]  # fmt: skip
        status = str(body["status"]).strip().lower()
        if status not in ORDER_STATUSES:
            return None
        total = body.get("total")
        return Order(
            number=normalize_order_number(str(body["number"])),
            email=str(body.get("email") or ""),
            status=status,  # type: ignore[arg-type]
            items=items,
            total=round(float(total), 2) if total is not None else round(sum(i["quantity"] * i["price"] for i in items), 2),
            currency=str(body.get("currency") or currency).upper(),
            placed=str(body["placed"]),
            shipped=_optional(body.get("shipped")),
            eta=_optional(body.get("eta")),
            tracking=_optional(body.get("tracking")),
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def _optional(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None

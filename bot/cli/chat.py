"""`shopbot chat`: talk to the assistant in the terminal, with the same core the server runs.

The assistant is opened in this process (`open_assistant`, as the server does; no HTTP).
Lines are read from stdin one at a time, so it works interactively and piped
(`printf 'hi\\nboots\\n' | shopbot chat`). The conversation is `terminal:<sender>`, saved in
the data dir, so a later run continues it; `--new` starts another one.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import click

from bot.cli import settings_of
from bot.config import Settings

CHANNEL = "terminal"
QUIT = {"/quit", "/exit", "/q"}
HELP = (
    "Type a message and press Enter. A number picks that quick reply ([1], [2], …) unless it is\n"
    "exactly one of the quick replies (a size, say). /quit or Ctrl-D leaves; the conversation is\n"
    "saved and the next `shopbot chat` continues it (--new starts another)."
)


def register(main: click.Group) -> None:
    """Add the chat command to the CLI."""

    @main.command()
    @click.option("--sender", default="terminal", show_default=True, help="Who you are; the conversation is terminal:SENDER.")
    @click.option(
        "--generator",
        type=click.Choice(["template", "local", "openai"]),
        help="Override SHOPBOT_GENERATOR: who phrases the answers.",
    )
    @click.option("--new", "fresh", is_flag=True, help="Start a new conversation instead of continuing the last one.")
    @click.pass_context
    def chat(ctx: click.Context, sender: str, generator: str | None, fresh: bool) -> None:
        """Chat with the assistant in the terminal (reads stdin line by line; /quit or EOF ends)."""
        settings = settings_of(ctx)
        if generator:
            settings = settings.model_copy(update={"generator": generator})
        sender = sender.strip()
        if not sender or len(sender) > 200:
            raise click.BadParameter("give 1 to 200 characters", param_hint="--sender")
        if fresh:
            sender = f"{sender}-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:4]}"
        verbose = bool(ctx.find_root().params.get("verbose"))
        if not verbose:
            # Per-turn log lines would interleave with the conversation; keep start-up news
            # (first-start training can take minutes) and anything worse than INFO.
            logging.getLogger().setLevel(logging.WARNING)
            logging.getLogger("bot.services").setLevel(logging.INFO)
        # Ctrl-C leaves the chat even when the shell that started it ignores SIGINT (a process
        # started in the background inherits that, and Python would then never see the key).
        # The handler is our own, not signal.default_int_handler: asyncio.Runner replaces that one
        # during a turn with a handler that only cancels the turn's task, and a key pressed after
        # the turn's last await was then lost and the chat went back to waiting for a line.
        # A blocked signal is inherited too (some supervisors and CI runners block SIGINT), and a
        # blocked key stays pending forever whatever the handler; so unblock it as well.
        signal.signal(signal.SIGINT, _interrupt)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        code = Chat(settings, sender, interactive=sys.stdin.isatty()).run()
        # Every turn is already saved (state and reply in one transaction) and the stores are
        # closed. What may remain is a model worker thread finishing a forward pass, which the
        # interpreter would wait for at exit: after Ctrl-C the shopper should not wait on it.
        sys.stdout.flush()
        sys.stderr.flush()
        logging.shutdown()
        os._exit(code)


def _interrupt(signum: int, frame: Any) -> None:
    """Ctrl-C: stop whatever runs, a turn included; every answered turn is already saved."""
    raise KeyboardInterrupt


@dataclass
class Chat:
    """One terminal session: open the assistant, answer lines until /quit, EOF or Ctrl-C."""

    settings: Settings
    sender: str
    interactive: bool
    buttons: list[dict[str, str]] = field(default_factory=list)

    def run(self) -> int:
        from bot.errors import USER_ERRORS

        executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="shopbot-model")
        parts = None
        runner = asyncio.Runner()
        try:
            _err("loading the catalog, index and models…")
            parts = runner.run(self._open(executor))
            self._loop(runner, parts.assistant)
            return 0
        except KeyboardInterrupt:
            click.echo("")
            _err("bye (interrupted)")
            # Leave now: closing may wait on a model thread mid forward pass, and nothing needs
            # it; every answered turn is saved (state and reply in one transaction), and a turn
            # cut short left the conversation as it was.
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(0)
        except USER_ERRORS as exc:
            _err(f"Error: {exc}")
            return 1
        finally:
            try:
                if parts is not None:
                    runner.run(parts.close())
            except (KeyboardInterrupt, Exception):  # noqa: BLE001, S110 - closing is best effort on the way out
                pass
            runner.close()
            executor.shutdown(wait=False, cancel_futures=True)

    async def _open(self, executor: ThreadPoolExecutor) -> Any:
        from bot.metrics import shopbot_metrics
        from bot.services import open_assistant

        parts = await open_assistant(self.settings, executor, shopbot_metrics())
        conversation_id = f"{CHANNEL}:{self.sender}"
        conversation = await parts.store.get(conversation_id)
        generator = parts.assistant.responder.generator.name
        if conversation is None:
            click.echo(f"Shopbot · {generator} answers · conversation {conversation_id} (new) · /quit to leave")
        else:
            events = [e for e in await parts.store.events(conversation_id) if e.role in ("user", "bot", "agent")]
            click.echo(
                f"Shopbot · {generator} answers · continuing {conversation_id} ({len(events)} messages; "
                "--new starts another) · /quit to leave"
            )
            last = next((e for e in reversed(events) if e.role in ("bot", "agent")), None)
            if last is not None:  # the numbers keep meaning what the last reply offered
                self.buttons = list(last.payload.get("buttons") or [])
                if self.buttons:
                    click.echo(_quick_replies(self.buttons))
            if conversation.mode != "bot":
                click.echo("(a person from our team is handling this conversation; start another with --new)")
        return parts

    def _loop(self, runner: asyncio.Runner, assistant: Any) -> None:
        from bot.channels.limits import check_text
        from bot.errors import USER_ERRORS

        if self.interactive:
            try:
                import readline  # noqa: F401 - line editing and history for input()
            except ImportError:  # pragma: no cover - not on every platform
                pass
        while True:
            line = self._read()
            if line is None:
                return
            text = line.strip()
            if not text:
                continue
            if text in QUIT:
                return
            if text in ("/help", "/?"):
                click.echo(HELP)
                continue
            text, picked = self._pick(text)
            if not self.interactive:
                click.echo(f"you: {line.strip()}" + (f" → {text}" if picked else ""))
            elif picked:
                click.echo(f"   → {text}")
            try:
                check_text(text, self.settings.max_message_chars)
                runner.run(self._turn(assistant, text))
            except USER_ERRORS as exc:
                click.echo(f"error: {exc}")

    def _read(self) -> str | None:
        if self.interactive:
            try:
                return input("you: ")
            except EOFError:
                click.echo("")
                return None
        line = sys.stdin.readline()
        return line if line else None

    def _pick(self, text: str) -> tuple[str, bool]:
        """A number picks that quick reply, unless it is a quick reply itself ("9" for size 9)."""
        if not self.buttons or not text.isdigit():
            return text, False
        if any(b.get("title") == text for b in self.buttons):
            return text, False
        index = int(text)
        if 1 <= index <= len(self.buttons):
            button = self.buttons[index - 1]
            return str(button.get("payload") or button.get("title")), True
        return text, False

    async def _turn(self, assistant: Any, text: str) -> None:
        from bot.assistant import Held, Message, Replied, Retracted, Token

        streamed = False
        async for event in assistant.handle(Message(sender=self.sender, text=text, channel=CHANNEL)):
            if isinstance(event, Token):
                if not streamed:
                    _out("bot: ")
                    streamed = True
                _out(event.text.replace("\n", "\n     "))
            elif isinstance(event, Retracted):
                if streamed:
                    _out("\n")
                click.echo("     (revised)")
                streamed = False
            elif isinstance(event, Replied):
                if not streamed:  # a replayed answer to a re-sent message arrives whole
                    _out("bot: " + event.event.text.replace("\n", "\n     "))
                click.echo("")
                self._show(event.event.payload)
            elif isinstance(event, Held):
                self.buttons = []
                click.echo("bot: (a person from our team is handling this conversation and will answer here)")

    def _show(self, payload: dict[str, Any]) -> None:
        for card in payload.get("cards") or []:
            click.echo("   - " + card_line(card))
        self.buttons = list(payload.get("buttons") or [])
        if self.buttons:
            click.echo(_quick_replies(self.buttons))
        if payload.get("handoff"):
            click.echo("     (handed over to a person from our team; --new starts another conversation)")


def card_line(card: dict[str, Any]) -> str:
    """A product card as one compact line: title · price · rating · stock."""
    from bot.generation.facts import money, rating_text

    currency = card.get("currency") or "USD"
    price = money(float(card["price"]), currency)
    if card.get("compare_at_price"):
        price += f" (was {money(float(card['compare_at_price']), currency)})"
    rating = card.get("rating")
    stars = f"{rating_text(float(rating))}★" if rating is not None else "unrated"
    if rating is not None and card.get("review_count"):
        stars += f" ({card['review_count']} reviews)"
    # No stock status when the catalog does not track it (stock_known false): not "in stock".
    stock = "out of stock" if not card.get("in_stock") else "in stock" if card.get("stock_known", True) else ""
    return " · ".join(x for x in (card["title"], price, stars, stock) if x)


def _quick_replies(buttons: list[dict[str, str]]) -> str:
    return "     " + "  ".join(f"[{i}] {b.get('title')}" for i, b in enumerate(buttons, 1))


def _out(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def _err(text: str) -> None:
    click.echo(text, err=True)

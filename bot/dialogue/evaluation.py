"""Scripted multi-turn conversations against the real assistant: `shopbot eval conversations`.

Each conversation (JSON under bot/dialogue/conversations/) is a list of turns: what the
shopper says and what they must then see (checks from bot/dialogue/expectations/,
written from the demo catalog's facts). The assistant is opened once, as the server opens
it, with answers phrased by templates so results do not depend on a model; every
conversation is a new shopper. A conversation passes when every check of every turn
passes; the first failing turn ends it, and the report names the turn, the check and what
the shopper saw. Conversations and orders go to a scratch database of their own
(data/eval/conversations/shopbot.db, recreated each run, kept for a closer look), so the
store's own conversations, agent queue and shopper profiles are never touched.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.config import Settings
from bot.dialogue.expectations import (
    ById, Context, FocusOfTurn, SameAsCard, Seen, SuperlativeCard, parse_check, references, run_check,
)  # fmt: skip
from bot.errors import ShopbotError
from retrieval.catalog import Product

if TYPE_CHECKING:
    from bot.assistant import Assistant

CONVERSATIONS_DIR = Path(__file__).parent / "conversations"
CHANNEL = "rest"

# The behaviours measured: failures seen in real conversations first, then the baseline skills.
KINDS = (
    "refine_no_match", "named_focus", "narrowing", "constraints_kept", "superlative", "no_product_answer",
    "search", "question", "compare", "cart", "recommend", "order", "policy", "handoff",
)  # fmt: skip


class ConversationFileError(ShopbotError):
    """A conversation file that cannot be used; the message names the file, the place and the fix."""


# -- the file format -----------------------------------------------------------------------


class _TurnSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    say: str = Field(min_length=1)
    expect: dict[str, Any] = Field(default_factory=dict)


class _ConversationSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=80)
    kind: str
    note: str = ""
    turns: list[_TurnSpec] = Field(min_length=1)


@dataclass(frozen=True)
class Turn:
    """One shopper message and the checks on the reply, validated, in file order."""

    say: str
    expect: tuple[tuple[str, Any], ...]


@dataclass(frozen=True)
class Conversation:
    """A scripted conversation: its id, kind, turns and the file it came from."""

    id: str
    kind: str
    turns: tuple[Turn, ...]
    source: Path
    note: str = ""

    def product_ids(self) -> set[str]:
        """Every catalog id the checks name."""
        return {ref.id for turn in self.turns for _, value in turn.expect for ref in references(value) if isinstance(ref, ById)}


def shipped_files() -> list[Path]:
    """The conversation files that ship with Shopbot (written for the demo catalog)."""
    return sorted(CONVERSATIONS_DIR.glob("*.json"))


def _files(paths: Iterable[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        found.extend(sorted(path.glob("*.json")) if path.is_dir() else [path])
    return found


def load_conversations(paths: Iterable[Path] | None = None) -> list[Conversation]:
    """Conversations from JSON files (or folders of them; default: the shipped ones), each file one
    conversation or a list of them. Raises ConversationFileError naming the file and what is wrong."""
    conversations: list[Conversation] = []
    seen: dict[str, Path] = {}
    for path in _files(shipped_files() if paths is None else paths):
        for conversation in _load_file(path):
            if conversation.id in seen:
                raise ConversationFileError(f"{path}: conversation id {conversation.id!r} is already used in {seen[conversation.id]}")
            seen[conversation.id] = path
            conversations.append(conversation)
    return conversations


def _load_file(path: Path) -> list[Conversation]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConversationFileError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    except json.JSONDecodeError as exc:
        raise ConversationFileError(f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    items = data if isinstance(data, list) else [data]
    conversations = []
    for number, item in enumerate(items, 1):
        where = f"{path}: conversation {item.get('id', number) if isinstance(item, dict) else number}"
        try:
            spec = _ConversationSpec.model_validate(item)
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'conversation'}: {e['msg']}" for e in exc.errors())
            raise ConversationFileError(f"{where}: {problems}") from None
        if spec.kind not in KINDS:
            raise ConversationFileError(f"{where}: unknown kind {spec.kind!r}; use one of {', '.join(KINDS)}")
        turns = tuple(_turn(spec.turns[i], i + 1, where) for i in range(len(spec.turns)))
        conversations.append(Conversation(spec.id, spec.kind, turns, path, spec.note))
    return conversations


def _turn(spec: _TurnSpec, number: int, where: str) -> Turn:
    expect = []
    for name, value in spec.expect.items():
        place = f"{where}, turn {number}, check {name!r}"
        try:
            parsed = parse_check(name, value)
        except KeyError as exc:
            raise ConversationFileError(f"{place}: {exc.args[0]}") from None
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'value'}: {e['msg']}" for e in exc.errors())
            raise ConversationFileError(f"{place}: {problems} (got {json.dumps(value)})") from None
        for turn in _turns_named(parsed, name):
            if turn >= number:
                raise ConversationFileError(f"{place}: refers to turn {turn}; only earlier turns (1 to {number - 1}) can be named")
        if number == 1 and any(isinstance(r, (SameAsCard, SuperlativeCard)) for r in references(parsed)):
            raise ConversationFileError(f"{place}: refers to an earlier turn's cards, but this is the first turn")
        expect.append((name, parsed))
    return Turn(spec.say, tuple(expect))


def _turns_named(value: Any, name: str) -> list[int]:
    turns = [r.turn for r in references(value) if isinstance(r, (SameAsCard, SuperlativeCard)) and r.turn]
    turns += [r.focus_of_turn for r in references(value) if isinstance(r, FocusOfTurn)]
    if name == "cards_from_turn":
        turns.append(value)
    return turns


# -- results -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Failure:
    """A check a reply failed: where, which check, what it expected and what was wrong."""

    turn: int
    say: str
    check: str
    expected: Any
    problem: str
    seen: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, the expected value as a file would write it."""
        return {"turn": self.turn, "say": self.say, "check": self.check, "expected": _as_written(self.expected),
                "problem": self.problem, "seen": self.seen}  # fmt: skip


def _as_written(value: Any) -> Any:
    if isinstance(value, ById):
        return value.id
    if isinstance(value, BaseModel):
        return {k: _as_written(v) for k, v in vars(value).items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [_as_written(v) for v in value]
    return value


@dataclass(frozen=True)
class ConversationResult:
    """One conversation's outcome: the failures of its first failing turn (none: passed) and the replies seen."""

    conversation: Conversation
    failures: tuple[Failure, ...] = ()
    replies: tuple[Seen, ...] = ()

    @property
    def passed(self) -> bool:
        """True when every check of every turn passed."""
        return not self.failures


@dataclass(frozen=True)
class KindScore:
    """Pass rate of one kind of conversation."""

    kind: str
    conversations: int
    passed: int

    @property
    def rate(self) -> float:
        """Share of conversations passed."""
        return self.passed / self.conversations if self.conversations else 0.0


@dataclass
class Report:
    """Every conversation's result, with pass rates per kind and overall."""

    results: list[ConversationResult] = field(default_factory=list)

    def by_kind(self) -> list[KindScore]:
        """Pass rates per kind, in the order of KINDS."""
        total = Counter(r.conversation.kind for r in self.results)
        passed = Counter(r.conversation.kind for r in self.results if r.passed)
        order = [k for k in KINDS if k in total] + sorted(set(total) - set(KINDS))
        return [KindScore(k, total[k], passed[k]) for k in order]

    @property
    def overall(self) -> KindScore:
        """Pass rate over every conversation."""
        return KindScore("all", len(self.results), sum(r.passed for r in self.results))

    @property
    def failed(self) -> list[ConversationResult]:
        """The conversations that failed, by kind (in the order of KINDS), then in run order."""
        rank = {k: i for i, k in enumerate(KINDS)}
        return sorted((r for r in self.results if not r.passed), key=lambda r: rank.get(r.conversation.kind, len(KINDS)))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: pass rates per kind and overall, and every conversation's outcome."""

        def score(s: KindScore) -> dict[str, Any]:
            return {"kind": s.kind, "conversations": s.conversations, "passed": s.passed, "pass_rate": round(s.rate, 4)}

        return {
            "kinds": [score(s) for s in self.by_kind()],
            "overall": score(self.overall),
            "conversations": [
                {"id": r.conversation.id, "kind": r.conversation.kind, "passed": r.passed,
                 "failures": [f.to_dict() for f in r.failures]}
                for r in self.results
            ],
        }  # fmt: skip


# -- running -------------------------------------------------------------------------------


def check_turn(turn: Turn, number: int, seen: Seen, context: Context) -> list[Failure]:
    """Every failing check of one turn's reply."""
    failures = []
    for name, value in turn.expect:
        problem = run_check(name, value, seen, context)
        if problem is not None:
            failures.append(Failure(number, turn.say, name, value, problem, seen.describe()))
    return failures


async def _reply(assistant: Assistant, sender: str, text: str) -> Seen:
    """The turn's reply as the shopper sees it (replies of one turn joined)."""
    from bot.assistant import Message

    events = await assistant.reply(Message(sender=sender, text=text, channel=CHANNEL))
    if not events:
        return Seen(held=True)
    return Seen(
        text="\n".join(e.text for e in events),
        cards=tuple(c for e in events for c in e.payload.get("cards") or ()),
        buttons=tuple(b.get("title", "") for e in events for b in e.payload.get("buttons") or ()),
        handoff=any(bool(e.payload.get("handoff")) for e in events),
        focus=next((f for e in events if isinstance(f := e.payload.get("focus"), str)), None),
    )


async def run_conversation(assistant: Assistant, conversation: Conversation, catalog: Mapping[str, Product]) -> ConversationResult:
    """Play one conversation as a new shopper, up to its first failing turn."""
    sender = f"eval-{conversation.id}-{uuid.uuid4().hex[:8]}"
    replies: list[Seen] = []
    for number, turn in enumerate(conversation.turns, 1):
        seen = await _reply(assistant, sender, turn.say)
        failures = check_turn(turn, number, seen, Context(catalog, tuple(replies)))
        replies.append(seen)
        if failures:
            return ConversationResult(conversation, tuple(failures), tuple(replies))
    return ConversationResult(conversation, (), tuple(replies))


async def run_conversations(
    assistant: Assistant,
    conversations: Sequence[Conversation],
    catalog: Mapping[str, Product],
    progress: Callable[[int, int], None] | None = None,
) -> Report:
    """Play every conversation, one after another, on one assistant."""
    report = Report()
    for done, conversation in enumerate(conversations, 1):
        report.results.append(await run_conversation(assistant, conversation, catalog))
        if progress is not None:
            progress(done, len(conversations))
    return report


class _EvalSettings(Settings):
    """The store's settings, with conversations and orders in a scratch database of their own."""

    @property
    def conversations_db(self) -> Path:
        """The scratch conversation database of the evaluation."""
        return self.data_dir / "eval" / "conversations" / "shopbot.db"


def eval_settings(settings: Settings) -> Settings:
    """Settings for the evaluation: template answers (deterministic) and a fresh scratch database."""
    values = {name: getattr(settings, name) for name in Settings.model_fields}
    local = _EvalSettings.model_construct(**{**values, "generator": "template"})
    local.conversations_db.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):  # every run starts from the same seeded state
        local.conversations_db.with_name(local.conversations_db.name + suffix).unlink(missing_ok=True)
    return local


async def evaluate(
    settings: Settings,
    conversations: Sequence[Conversation],
    *,
    shipped: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> Report:
    """Open the assistant over the data dir's catalog (as the server does) and play the conversations.

    `shipped` conversations are written from the demo catalog's facts, so they run only
    against it; others run against any catalog that has every product they name.
    """
    from bot.metrics import shopbot_metrics
    from bot.services import open_assistant
    from catalog import is_demo_catalog

    local = eval_settings(settings)
    executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="shopbot-eval")
    parts = await open_assistant(local, executor, shopbot_metrics())
    try:
        store = parts.search.store
        ids = list(store.fingerprints())
        if shipped and not is_demo_catalog(ids):
            raise ConversationFileError(
                f"the shipped conversations are written from the demo catalog's facts, but {settings.data_dir} holds "
                "another catalog; run them on a data dir set up with `shopbot setup`, or give your own with --file"
            )
        catalog = store.get_many(ids)
        missing = sorted({pid for c in conversations for pid in c.product_ids()} - set(catalog))
        if missing:
            raise ConversationFileError(f"the conversations name products this catalog does not have: {', '.join(missing[:10])}")
        return await run_conversations(parts.assistant, conversations, catalog, progress)
    finally:
        await parts.close()
        executor.shutdown(wait=False, cancel_futures=True)

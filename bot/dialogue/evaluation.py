"""Scripted multi-turn conversations against the real assistant: `shopbot eval conversations`.

Each conversation (JSON under bot/dialogue/conversations/) is a list of turns: what the
shopper says and what they must then see (checks from bot/dialogue/expectations/,
written from one catalog's facts). A conversation names its catalog ("catalog", default
"demo"): the demo catalog is the data dir's own; the third-party ones (DummyJSON, Amazon.in,
bot/dialogue/eval_catalogs.py) are imported from ../shared/data, as `shopbot quickstart` imports a store's
file, into the data dir's eval/catalogs/<name>/ on first use and reused while the file is
unchanged; a catalog whose file is absent is skipped, saying so. One assistant is opened per
catalog, as the server opens it, with answers phrased by templates so results do not depend
on a model; every conversation is a new shopper. A conversation passes when every check of
every turn passes; the first failing turn ends it, and the report names the turn, the check
and what the shopper saw. Conversations and orders go to a scratch database of their own
(data/eval/conversations/shopbot.db for the demo catalog, .../<catalog>/shopbot.db for the
others, recreated each run, kept for a closer look), so the store's own conversations, agent
queue and shopper profiles are never touched.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

from bot.config import Settings
from bot.dialogue.expectations import (
    ById, Context, FocusOfTurn, SameAsCard, Seen, SuperlativeCard, parse_check, references, run_check,
)  # fmt: skip
from bot.dialogue.eval_catalogs import CATALOGS, SHARED_DATA, prepare_catalog
from bot.errors import ShopbotError
from retrieval.catalog import Product

if TYPE_CHECKING:
    from bot.assistant import Assistant

CONVERSATIONS_DIR = Path(__file__).parent / "conversations"
CHANNEL = "rest"

# The behaviours measured: failures seen in real conversations first, then the baseline skills.
KINDS = (
    "refine_no_match", "named_focus", "narrowing", "constraints_kept", "superlative", "no_product_answer",
    "named_product", "product_terms", "gift",
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
    catalog: str = "demo"
    note: str = ""
    turns: list[_TurnSpec] = Field(min_length=1)


@dataclass(frozen=True)
class Turn:
    """One shopper message and the checks on the reply, validated, in file order."""

    say: str
    expect: tuple[tuple[str, Any], ...]


@dataclass(frozen=True)
class Conversation:
    """A scripted conversation: its id, kind, turns, the file it came from and the catalog it is written for."""

    id: str
    kind: str
    turns: tuple[Turn, ...]
    source: Path
    note: str = ""
    catalog: str = "demo"

    def product_ids(self) -> set[str]:
        """Every catalog id the checks name."""
        return {ref.id for turn in self.turns for _, value in turn.expect for ref in references(value) if isinstance(ref, ById)}


def shipped_files() -> list[Path]:
    """The conversation files that ship with Shopbot (the demo catalog's, then one folder per other catalog)."""
    return _files([CONVERSATIONS_DIR])


def _files(paths: Iterable[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        found.extend(sorted(path.rglob("*.json"), key=lambda p: (len(p.parts), p)) if path.is_dir() else [path])
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
        if spec.catalog not in CATALOGS:
            raise ConversationFileError(f"{where}: unknown catalog {spec.catalog!r}; use one of {', '.join(CATALOGS)}")
        turns = tuple(_turn(spec.turns[i], i + 1, where) for i in range(len(spec.turns)))
        conversations.append(Conversation(spec.id, spec.kind, turns, path, spec.note, spec.catalog))
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
class Score:
    """Pass rate of a group of conversations: one kind, one catalog, or all of them."""

    name: str
    conversations: int
    passed: int

    @property
    def rate(self) -> float:
        """Share of conversations passed."""
        return self.passed / self.conversations if self.conversations else 0.0


@dataclass(frozen=True)
class SkippedCatalog:
    """A catalog whose conversations did not run, and why (its file is absent, ...)."""

    catalog: str
    conversations: int
    reason: str


def _ranked(names: Iterable[str], order: Sequence[str]) -> list[str]:
    present = set(names)
    return [n for n in order if n in present] + sorted(present - set(order))


@dataclass
class Report:
    """Every conversation's result, with pass rates per catalog, per kind and overall, and the catalogs skipped."""

    results: list[ConversationResult] = field(default_factory=list)
    skipped: list[SkippedCatalog] = field(default_factory=list)

    @property
    def catalogs(self) -> list[str]:
        """The catalogs conversations ran on, in the order of CATALOGS."""
        return _ranked((r.conversation.catalog for r in self.results), list(CATALOGS))

    def score(self, catalog: str | None = None, kind: str | None = None) -> Score:
        """Pass rate of one catalog's conversations, of one kind's, of both, or (neither) of all."""
        results = [r for r in self.results if catalog in (None, r.conversation.catalog) and kind in (None, r.conversation.kind)]
        return Score(kind or catalog or "all", len(results), sum(r.passed for r in results))

    def by_kind(self, catalog: str | None = None) -> list[Score]:
        """Pass rates per kind (of one catalog's conversations, or of all), in the order of KINDS."""
        kinds = {r.conversation.kind for r in self.results if catalog in (None, r.conversation.catalog)}
        return [self.score(catalog, k) for k in _ranked(kinds, KINDS)]

    def by_catalog(self) -> list[Score]:
        """Pass rates per catalog, in the order of CATALOGS."""
        return [self.score(c) for c in self.catalogs]

    @property
    def overall(self) -> Score:
        """Pass rate over every conversation."""
        return self.score()

    @property
    def failed(self) -> list[ConversationResult]:
        """The conversations that failed, by catalog and kind (in the order of CATALOGS and KINDS), then in run order."""
        catalogs = {c: i for i, c in enumerate(CATALOGS)}
        kinds = {k: i for i, k in enumerate(KINDS)}
        return sorted(
            (r for r in self.results if not r.passed),
            key=lambda r: (catalogs.get(r.conversation.catalog, len(catalogs)), kinds.get(r.conversation.kind, len(kinds))),
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: pass rates per kind, per catalog (and its kinds) and overall, the catalogs skipped,
        and every conversation's outcome."""

        def score(s: Score, key: str) -> dict[str, Any]:
            return {key: s.name, "conversations": s.conversations, "passed": s.passed, "pass_rate": round(s.rate, 4)}

        return {
            "kinds": [score(s, "kind") for s in self.by_kind()],
            "catalogs": [score(s, "catalog") | {"kinds": [score(k, "kind") for k in self.by_kind(s.name)]}
                         for s in self.by_catalog()],
            "overall": score(self.overall, "kind"),
            "skipped": [vars(s) for s in self.skipped],
            "conversations": [
                {"id": r.conversation.id, "catalog": r.conversation.catalog, "kind": r.conversation.kind,
                 "passed": r.passed, "failures": [f.to_dict() for f in r.failures]}
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

    _scratch_db: Path = PrivateAttr(default=Path("eval/conversations/shopbot.db"))

    @property
    def conversations_db(self) -> Path:
        """The scratch conversation database of the evaluation."""
        return self._scratch_db


def eval_settings(settings: Settings, scratch_db: Path | None = None) -> Settings:
    """Settings for the evaluation: template answers (deterministic) and a fresh scratch database
    (default: the data dir's eval/conversations/shopbot.db)."""
    values = {name: getattr(settings, name) for name in Settings.model_fields}
    # No database_url: the scratch SQLite file, never a deployment's shared PostgreSQL.
    local = _EvalSettings.model_construct(**{**values, "generator": "template", "database_url": None})
    local._scratch_db = scratch_db or settings.data_dir / "eval" / "conversations" / "shopbot.db"
    local.conversations_db.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):  # every run starts from the same seeded state
        local.conversations_db.with_name(local.conversations_db.name + suffix).unlink(missing_ok=True)
    return local


# -- running every catalog -----------------------------------------------------------------


def by_catalog(conversations: Iterable[Conversation]) -> dict[str, list[Conversation]]:
    """Conversations grouped by catalog, in the order of CATALOGS, each group in file order."""
    groups: dict[str, list[Conversation]] = {name: [] for name in CATALOGS}
    for conversation in conversations:
        groups[conversation.catalog].append(conversation)
    return {name: group for name, group in groups.items() if group}


async def evaluate(
    settings: Settings,
    conversations: Sequence[Conversation],
    *,
    shipped: bool = True,
    shared_data: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
    notice: Callable[[str], None] | None = None,
) -> Report:
    """Play the conversations, catalog by catalog, each on an assistant opened over that catalog as the server opens it.

    Conversations for the demo catalog run on the data dir's own catalog; `shipped` ones are
    written from the demo catalog's facts, so they are skipped when the data dir holds another.
    A third-party catalog is imported from `shared_data` (default ../shared/data) into
    eval/catalogs/<name>/ of the data dir when missing or changed, and skipped when its file
    is absent. `notice` hears what was imported or skipped; `progress` counts conversations
    over every catalog.
    """
    report = Report()
    say = notice or (lambda _: None)
    plan: list[tuple[str, Settings, list[Conversation]]] = []
    for name, group in by_catalog(conversations).items():
        catalog = CATALOGS[name]
        if catalog.file is None:
            plan.append((name, eval_settings(settings), group))
            continue
        source = (shared_data or SHARED_DATA) / catalog.file
        if not source.is_file():
            report.skipped.append(SkippedCatalog(name, len(group), f"{source} not found"))
            say(f"{name}: skipped {len(group)} conversations, {source} not found")
            continue
        prepared = prepare_catalog(settings, catalog, source)
        local = prepared.settings
        if prepared.imported is not None:
            say(f"{name}: imported {source} into {local.data_dir}: " + "; ".join(prepared.imported))
        else:
            say(f"{name}: {local.data_dir} (imported from {source}, unchanged since)")
        plan.append((name, eval_settings(local, settings.data_dir / "eval" / "conversations" / name / "shopbot.db"), group))
    total = sum(len(group) for _, _, group in plan)
    done = 0

    def step(n: int, _: int) -> None:
        if progress is not None:
            progress(done + n, total)

    for name, local, group in plan:
        played = await _play(local, group, demo=shipped and CATALOGS[name].file is None, progress=step)
        if isinstance(played, str):
            report.skipped.append(SkippedCatalog(name, len(group), played))
            say(f"{name}: skipped {len(group)} conversations, {played}")
        else:
            report.results.extend(played.results)
        done += len(group)
    return report


async def _play(
    settings: Settings, conversations: Sequence[Conversation], *, demo: bool, progress: Callable[[int, int], None]
) -> Report | str:
    """Open one assistant over the settings' catalog and play the conversations on it; why not, when they
    must run on the demo catalog (`demo`) and it holds another."""
    from bot.metrics import shopbot_metrics
    from bot.services import open_assistant
    from catalog import is_demo_catalog

    executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="shopbot-eval")
    parts = await open_assistant(settings, executor, shopbot_metrics())
    try:
        store = parts.search.store
        ids = list(store.fingerprints())
        if demo and not is_demo_catalog(ids):
            return (f"they are written from the demo catalog's facts, but {settings.data_dir} holds another catalog; "
                    "run them on a data dir set up with `shopbot setup`, or give your own with --file")  # fmt: skip
        catalog = store.get_many(ids)
        missing = sorted({pid for c in conversations for pid in c.product_ids()} - set(catalog))
        if missing:
            raise ConversationFileError(f"the conversations name products this catalog does not have: {', '.join(missing[:10])}")
        return await run_conversations(parts.assistant, conversations, catalog, progress)
    finally:
        await parts.close()
        executor.shutdown(wait=False, cancel_futures=True)

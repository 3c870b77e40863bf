"""ROUTER_KOREAN_ENCODER: e5 reads Korean by default; "off" trains the lighter router; anything else is refused."""
from pathlib import Path

import pytest

from gwangju_civic.routing.training import SEED_CORPUS_DIR
from gwangju_civic.routing.versions import list_versions


@pytest.fixture()
def small_corpus(app, tmp_path) -> Path:
    """Three categories of the real seed corpus, every third row."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for category in ("pothole", "streetlight_out", "noise"):
        lines = (SEED_CORPUS_DIR / f"{category}.csv").read_text(encoding="utf-8").splitlines()
        (folder / f"{category}.csv").write_text("\n".join(lines[:1] + lines[1::3]) + "\n", encoding="utf-8")
    app.config["ROUTER_SEED_CORPUS"] = str(folder)
    return folder


def trained_versions(app) -> list:
    models = Path(app.config["ROUTER_MODELS_DIR"])
    return list_versions(models) if models.exists() else []


@pytest.mark.parametrize(("setting", "expected"), [("e5", "multilingual-e5-small+int8"), ("off", None)])
def test_the_setting_chooses_the_korean_encoder(app, runner, small_corpus, setting, expected):
    app.config["ROUTER_KOREAN_ENCODER"] = setting
    result = runner.invoke(args=["router", "train", "--no-activate"])
    assert result.exit_code == 0, result.output
    [version] = trained_versions(app)
    assert version.metadata["korean_model"] == expected
    assert ("multilingual-e5-small" in version.metadata["features"]) == (expected is not None)


def test_an_unknown_setting_is_a_clear_error_and_trains_nothing(app, runner, small_corpus):
    app.config["ROUTER_KOREAN_ENCODER"] = "kobert"
    result = runner.invoke(args=["router", "train"])
    assert result.exit_code != 0
    assert 'ROUTER_KOREAN_ENCODER must be "e5" or "off", not \'kobert\'' in str(result.exception)
    assert trained_versions(app) == []

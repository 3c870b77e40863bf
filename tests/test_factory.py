"""The application factory and configuration from the environment."""
import stat

from gwangju_civic import create_app
from gwangju_civic.config import _secret_key, from_environment


def test_testing_flag_comes_from_test_config(app):
    assert app.testing
    assert not create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).testing


def test_defaults_put_the_database_and_uploads_under_instance(tmp_path, monkeypatch):
    for name in ("DATABASE_URL", "UPLOAD_FOLDER", "SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    config = from_environment(tmp_path)
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'gwangju_civic.sqlite'}"
    assert config["UPLOAD_FOLDER"] == str(tmp_path / "uploads")
    assert config["MAX_CONTENT_LENGTH"] > config["MAX_PHOTO_BYTES"]


def test_environment_overrides_defaults(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    monkeypatch.setenv("MAX_UPLOAD_BYTES", "1234")
    monkeypatch.setenv("UPLOAD_FOLDER", str(tmp_path / "elsewhere"))
    config = from_environment(tmp_path)
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql://postgres@127.0.0.1:5432/test"
    assert config["MAX_CONTENT_LENGTH"] == 1234
    assert config["UPLOAD_FOLDER"] == str(tmp_path / "elsewhere")


def test_secret_key_is_generated_once_and_kept_private(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = _secret_key(tmp_path)
    assert len(first) == 64
    assert _secret_key(tmp_path) == first
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600


def test_secret_key_from_environment_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-env")
    assert _secret_key(tmp_path) == "from-env"
    assert not (tmp_path / "secret_key").exists()

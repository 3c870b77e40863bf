"""Interface language: Korean unless the resident picked another, and the pick sticks in a cookie."""
from pathlib import Path

import click
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, current_app, request
from flask.cli import AppGroup
from flask_babel import get_locale

from gwangju_civic import dates
from gwangju_civic.extensions import babel
from gwangju_civic.labels import template_labels

LANGUAGE_COOKIE = "lang"
LANGUAGE_NAMES = {"ko": "한국어", "en": "English", "fr": "Français"}


def select_locale() -> str:
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen and chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> str:
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters.update(datetimeformat=dates.datetimeformat, dateformat=dates.dateformat)

    app.context_processor(template_labels)

    @app.context_processor
    def inject_languages() -> dict:
        return {"language_names": LANGUAGE_NAMES, "current_language": current_language()}


def compile_catalogs(directory: Path) -> list[Path]:
    """Compile every messages.po under directory into the .mo file Flask-Babel reads."""
    compiled = []
    for po_path in sorted(directory.glob("*/LC_MESSAGES/messages.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        compiled.append(mo_path)
    return compiled


translate_cli = AppGroup("translate", help="Interface translations.")


@translate_cli.command("compile")
def compile_command() -> None:
    """Compile the .po catalogs (make run and make test do this for you)."""
    directory = Path(current_app.config["BABEL_TRANSLATION_DIRECTORIES"])
    for path in compile_catalogs(directory):
        click.echo(f"compiled {path.relative_to(directory)}")

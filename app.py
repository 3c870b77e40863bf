"""Entry point for `flask run` and WSGI servers."""
from gwangju_civic import create_app

app = create_app()

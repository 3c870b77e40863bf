"""Public pages: home, the public list of submissions, language switch and photos."""

"""Routing submissions from free text; the ML stack loads only when a router is first used."""

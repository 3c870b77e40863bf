"""Citizen intake: the report form, the confirmation and tracking pages, and the safe path to storage."""

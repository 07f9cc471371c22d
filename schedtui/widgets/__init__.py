"""Reusable widgets: data handed down, messages posted up; no store access here."""

"""Domain services: every rule a scheduler's decision depends on. No Textual here."""

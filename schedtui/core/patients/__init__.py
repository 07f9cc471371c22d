"""Patients and the call: registration, phone numbers, the call in progress and its notes."""

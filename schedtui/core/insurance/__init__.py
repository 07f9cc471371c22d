"""Insurance: payers, coverages, prior authorizations, eligibility (X12) and the checklist,
money."""

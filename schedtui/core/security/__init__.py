"""Who may do what and what they did: access, sign-in, users, passwords, the audit trail,
the mask."""

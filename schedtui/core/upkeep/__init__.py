"""The store as a whole: opening, creating and upgrading it, the trainees' sandbox,
backups and restores."""

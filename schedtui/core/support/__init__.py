"""What everything leans on: the clock, errors and faults, text and times for people,
opening stores, write transactions, backups."""

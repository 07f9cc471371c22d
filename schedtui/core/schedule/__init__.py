"""The schedule: templates, availability, open times, holding and booking, changes, blocks,
closures, the waitlist and access measures."""

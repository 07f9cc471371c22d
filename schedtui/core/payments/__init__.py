"""Money at the desk: payments taken, reversed (voids and refunds), and each day's close."""

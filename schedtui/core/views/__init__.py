"""What the screens show, read in one go: Today, the calendar's day and week, a patient's
panel, an appointment's card."""

"""Patient messages: the outbox fed by the change feed (confirmations, change and
cancellation notices, "we must move your visit", reminders), what each says, calendar
invites, e-mail, and the runner that sends them."""

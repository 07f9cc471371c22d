"""Patient lookup: find the right patient while the caller is still spelling the name."""

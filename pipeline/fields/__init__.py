"""Fields: tracking numbers, timestamps, URLs, Korean addresses and languages, read from page text."""

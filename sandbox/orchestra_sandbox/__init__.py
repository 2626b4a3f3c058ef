"""Local emulator of the Orchestra API (see README)."""

"""Common-assessment results: reading exports and analysing them."""

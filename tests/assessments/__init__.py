"""Tests of reading and analysing common-assessment results."""

"""Meetings: recurring schedules, agendas, roles, live facilitation and minutes."""

"""Signals other apps listen to (sent inside the transaction that makes the change)."""

from django.dispatch import Signal

# sender=Period, period=<Period>, before=<state>, after=<state>, actor=<Actor>
period_state_changed = Signal()

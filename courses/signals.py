"""Signals through which higher apps react to course events without courses importing them."""

from django.dispatch import Signal

# Sent after the transaction that marked an enrolment completed has committed; kwargs: enrolment.
enrolment_completed = Signal()

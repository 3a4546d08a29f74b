"""Signals of the people app: documented extension points for the apps above it.

`cohort_member_added(sender=Cohort, cohort=<Cohort>, user=<User>)`
    Sent after commit when a person joins a cohort (by a manager or a roster import), once per
    person actually added. The courses app receives it to give the newcomer the cohort's
    assignments.
"""

from django.dispatch import Signal

cohort_member_added = Signal()

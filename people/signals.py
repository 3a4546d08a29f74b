"""Signals of the people app: documented extension points for the apps above it.

`cohort_members_added(sender=Cohort, cohort=<Cohort>, users=<list of User>)`
    Sent after commit when people join a cohort (added by a manager or by a roster import),
    once per call with the people actually added (never empty). The courses app receives it to
    give the newcomers the cohort's assignments.
"""

from django.dispatch import Signal

cohort_members_added = Signal()

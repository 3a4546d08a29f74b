"""Writes of the manager area: cohorts and their members."""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.utils import timezone

from people.models import Cohort, Institution, User
from people.signals import cohort_members_added


@transaction.atomic
def create_cohort(*, institution: Institution, name: str) -> Cohort:
    return Cohort.objects.create(institution=institution, name=name.strip())


@transaction.atomic
def rename_cohort(*, cohort: Cohort, name: str) -> Cohort:
    cohort.name = name.strip()
    cohort.save(update_fields=["name"])
    return cohort


@transaction.atomic
def archive_cohort(*, cohort: Cohort) -> Cohort:
    if cohort.archived_at is None:
        cohort.archived_at = timezone.now()
        cohort.save(update_fields=["archived_at"])
    return cohort


@transaction.atomic
def restore_cohort(*, cohort: Cohort) -> Cohort:
    cohort.archived_at = None
    cohort.save(update_fields=["archived_at"])
    return cohort


@transaction.atomic
def add_cohort_members(*, cohort: Cohort, users: list[User]) -> list[User]:
    """Add people to a cohort (idempotent); `cohort_members_added` goes out after commit with
    the people actually added. Returns them."""
    present = set(cohort.members.filter(pk__in=[u.pk for u in users]).values_list("pk", flat=True))
    added = [user for user in users if user.pk not in present]
    cohort.members.add(*added)
    if added:
        transaction.on_commit(
            partial(cohort_members_added.send, sender=Cohort, cohort=cohort, users=added)
        )
    return added


@transaction.atomic
def remove_cohort_member(*, cohort: Cohort, user: User) -> None:
    """Remove a person from a cohort. Their enrolments and progress stay: they are their record."""
    cohort.members.remove(user)

"""The declared merge configuration: what happens to every relation when one person record is merged into
another (the survivor).

* ``PERSON_RELATIONS``: foreign keys that point at a person. ``MOVE`` re-points the merged record's rows
  at the survivor (the ids moved are kept on the Merge row, so un-merge puts them back); ``KEEP`` leaves
  them on the merged record (history, evidence).
* ``HOUSEHOLD_RELATIONS``: when the merged record was the last active member of its household, that
  household is retired (status "merged") and its relations follow the same two actions, towards the
  survivor's household.

A relation that is not declared here and has rows for the record being merged (or the household being
retired) refuses the merge (error code ``linkage.undeclared_relation``): a new foreign key to Person or
Household must be declared before merges touch it. Relations are found by introspection, so adding one
anywhere in the project is noticed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy

from bansos.registry.models import Household, Person

MOVE = "move"
KEEP = "keep"

PERSON_RELATIONS: dict[str, str] = {
    "registry.Person.merged_into": MOVE,  # records merged earlier into the merged one follow it
    "linkage.PersonFlag.person": MOVE,  # cross-check findings belong to the one real person
    "linkage.ExternalRecord.person": MOVE,
    "accounts.User.person": MOVE,  # a citizen's account belongs to the one real person
    "accounts.Registration.person": KEEP,  # how a registration was matched stays as it was
    "linkage.CandidatePair.left": KEEP,  # review evidence stays as it was
    "linkage.CandidatePair.right": KEEP,
    "linkage.Merge.survivor": KEEP,
    "linkage.Merge.merged": KEEP,
}

HOUSEHOLD_RELATIONS: dict[str, str] = {
    "registry.Person.household": KEEP,  # the merged record stays where it was (inactive)
    "programs.HouseholdFlag.household": MOVE,  # findings about the family follow it
    "programs.Enrolment.household": KEEP,  # what was paid stays with the record it was paid to
    "cases.Proposal.household": MOVE,
    "cases.Objection.household": MOVE,
    "cases.Correction.household": MOVE,
    "accounts.Registration.household": KEEP,  # how a registration was matched stays as it was
}


def relations(model: type[models.Model]) -> Iterator[tuple[str, type[models.Model], str]]:
    """(label, model holding the key, key field name) for every concrete foreign key pointing at ``model``."""
    # include_hidden: most keys here are declared with related_name="+", which related_objects leaves out
    for rel in model._meta.get_fields(include_hidden=True):
        if not isinstance(rel, models.ForeignObjectRel) or rel.many_to_many:
            continue
        related: Any = rel.related_model
        field: Any = rel.field
        yield f"{related._meta.label}.{field.name}", related, field.name


def person_relations() -> Iterator[tuple[str, type[models.Model], str]]:
    return relations(Person)


def household_relations() -> Iterator[tuple[str, type[models.Model], str]]:
    return relations(Household)


# The verbose name of Person.merged_into (bansos.registry), translated in this app's catalogue: the
# project catalogue is shared and this app owns the field.
MERGED_INTO_LABEL = gettext_lazy("merged into")

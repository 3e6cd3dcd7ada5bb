"""The Splink pipeline on a small registry: training saves a versioned model, a near-duplicate with a typo,
swapped name order and shifted birth date is found, and later runs reuse the model and skip known pairs."""

import datetime
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from bansos.core.models import AuditEvent
from bansos.linkage import pipeline
from bansos.linkage.dedup import dedup_probabilistic
from bansos.linkage.frame import frame_from_names, registry_frame
from bansos.linkage.models import CandidatePair, LinkageModel
from bansos.registry.models import Person
from bansos.registry.synth import population_synthesize
from bansos.registry.tests.factories import ACTOR, GAMBIR, make_household, make_person

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_frame_normalises_names_and_holds_no_clear_identifier() -> None:
    frame = frame_from_names(
        [{"unique_id": 1, "name": "Moh. Sitti Abdullah", "birth_date": "1980-01-02", "sex": "M",
          "village": GAMBIR, "kk": "abc"}]
    )  # fmt: skip
    row = frame.iloc[0].to_dict()
    assert row["name_key"] == "muhamad siti abdulah"
    assert row["name_sorted"] == "abdulah muhamad siti"
    assert (row["birth_year"], row["district"], row["regency"]) == ("1980", GAMBIR[:6], GAMBIR[:4])


def test_probabilistic_run_finds_the_injected_duplicate(settings) -> None:
    settings.LINKAGE_TRAIN_EM = False  # a 600-person registry has no duplicates for EM to learn from
    population_synthesize(people=600, seed=7, actor=ACTOR, villages=[GAMBIR, "3171011002"])
    original = Person.objects.filter(relationship="head").order_by("id").first()
    assert original is not None
    words = original.full_name.split()
    typo = " ".join(reversed(words)) if len(words) > 1 else original.full_name + "H"
    copy = make_person(
        make_household(GAMBIR),
        full_name=typo,
        sex=original.sex,
        birth_date=original.birth_date + datetime.timedelta(days=1),
    )
    frame = registry_frame()
    assert set(frame.columns) == set(pipeline_columns()) and len(frame) == 601
    assert not frame.astype(str).apply(lambda c: c.str.fullmatch(r"[0-9]{16}")).any().any()

    run = dedup_probabilistic(actor=ACTOR, threshold=0.05)
    model = LinkageModel.objects.get()
    assert run.model == model and Path(model.path).exists()
    assert json.loads(Path(model.path).read_text())["link_type"] == "dedupe_only"
    pair = CandidatePair.objects.get(left=min(original.pk, copy.pk), right=max(original.pk, copy.pk))
    assert pair.rule == "splink" and pair.score >= 0.05 and "name" in pair.evidence
    assert AuditEvent.objects.filter(event_type="linkage.model_trained").count() == 1

    again = dedup_probabilistic(actor=ACTOR, threshold=0.05)
    assert again.model == model and again.pairs_new == 0
    assert LinkageModel.objects.count() == 1


def pipeline_columns() -> list[str]:
    from bansos.linkage.frame import COLUMNS

    return COLUMNS


def test_dedup_command_prints_a_summary(capsys) -> None:
    population_synthesize(people=300, seed=3, actor=ACTOR, villages=[GAMBIR])
    call_command("dedup", "--threshold", "0.99", "--train", verbosity=0)
    out = capsys.readouterr().out
    assert "exact: records=0" in out and "probabilistic: records=300" in out
    assert LinkageModel.objects.count() == 1


def test_spark_is_imported_only_when_chosen() -> None:
    assert pipeline.backend_name() == "duckdb"
    assert pipeline.backend_name("spark") == "spark"


def test_unknown_model_version_is_refused() -> None:
    with pytest.raises(CommandError) as exc:
        call_command("dedup", "--probabilistic-only", "--model", "1999", verbosity=0)
    assert "no linkage model version 1999" in str(exc.value)


def test_background_tasks_run_the_same_work() -> None:
    from bansos.linkage.models import ExternalList, Run
    from bansos.linkage.tasks import crosscheck_task, dedup_task

    first = make_person(make_household(GAMBIR), full_name="SITI", birth_date=datetime.date(1990, 1, 1))
    make_person(make_household(GAMBIR), full_name="SITTI", birth_date=datetime.date(1990, 1, 1))
    result = dedup_task.enqueue(exact=True, probabilistic=False)
    assert result.return_value is not None
    assert Run.objects.get(pk=result.return_value["exact"]).pairs_new == 1
    external = ExternalList.objects.create(kind="deaths", source="x", actor_label="test")
    external.records.create(row=2, nik_index=first.nik_index)
    assert crosscheck_task.enqueue(list_id=external.pk).return_value == {
        "matched_by_nik": 1,
        "matched_by_name": 0,
    }

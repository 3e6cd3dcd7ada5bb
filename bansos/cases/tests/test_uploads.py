from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from bansos.cases.uploads import UploadError, store_upload

from .factories import pdf, photo, photo_bytes


@pytest.mark.parametrize(
    ("fmt", "content_type"), [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")]
)
def test_images_are_stored_privately_under_random_names(fmt, content_type, private_media: Path):
    stored = store_upload(photo(fmt))
    assert stored.content_type == content_type
    target = private_media / stored.path
    assert target.is_file() and target.stat().st_size == stored.size
    assert "rumah" not in stored.path and len(Path(stored.path).stem) == 32
    assert store_upload(photo(fmt)).path != stored.path


def test_exif_is_stripped(private_media: Path):
    original = photo_bytes("JPEG", exif=True)
    assert Image.open(io.BytesIO(original)).getexif()
    stored = store_upload(io.BytesIO(original))
    with Image.open(private_media / stored.path) as image:
        assert dict(image.getexif()) == {}
    assert b"CameraMaker" not in (private_media / stored.path).read_bytes()


def test_pdf_only_where_allowed(private_media: Path):
    with pytest.raises(UploadError):
        store_upload(pdf())
    assert store_upload(pdf(), allow_pdf=True).content_type == "application/pdf"


@pytest.mark.parametrize(
    "data",
    [b"", b"<html><script>alert(1)</script>", b"GIF89a" + b"\x00" * 20, b"\xff\xd8\xff\xe0 broken jpeg"],
)
def test_other_content_is_refused_whatever_its_name(data, private_media: Path):
    upload = io.BytesIO(data)
    upload.name = "foto.jpg"
    with pytest.raises(UploadError) as caught:
        store_upload(upload)
    assert caught.value.code == "case.upload_invalid"
    assert not private_media.exists() or not any(private_media.rglob("*.*"))


def test_size_limit(settings, private_media: Path):
    settings.CASES_UPLOAD_MAX_BYTES = 1_000
    with pytest.raises(UploadError) as caught:
        store_upload(photo("PNG", size=(400, 400)))
    assert caught.value.code == "case.upload_too_large"


@pytest.mark.django_db
def test_a_bad_second_photo_leaves_no_file_and_no_proposal(private_media: Path):
    from bansos.cases import proposals
    from bansos.cases.models import Proposal

    from .factories import proposal_data, user

    bad = io.BytesIO(b"not an image")
    with pytest.raises(UploadError):
        proposals.proposal_submit(proposer=user(), photos=[photo(), bad], **proposal_data())
    assert Proposal.objects.count() == 0
    assert not any(p.is_file() for p in private_media.rglob("*"))

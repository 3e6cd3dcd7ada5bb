"""Validating and storing case uploads (one public function: ``store_upload``).

The type is read from the content, never from the name or the browser's claim: JPEG, PNG and WebP images
(opened with Pillow) and, where allowed, PDF (the "%PDF-" signature). Images are re-encoded, which drops
EXIF (GPS position, camera serial) and any bytes hidden after the picture. Files go under
settings.PRIVATE_MEDIA_ROOT (outside the web root) with random names."""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from bansos.core.errors import DomainError

IMAGE_FORMATS = {
    "JPEG": ("image/jpeg", ".jpg"),
    "PNG": ("image/png", ".png"),
    "WEBP": ("image/webp", ".webp"),
}
PDF = ("application/pdf", ".pdf")
MAX_PIXELS = 40_000_000


class UploadError(DomainError):
    code = "case.upload_invalid"


@dataclass(frozen=True)
class StoredFile:
    path: str  # relative to PRIVATE_MEDIA_ROOT
    content_type: str
    size: int


def _reencode(data: bytes, min_side: int = 0) -> tuple[bytes, str, str]:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            image_format = probe.format or ""
            if image_format not in IMAGE_FORMATS:
                raise UploadError(_("Only JPEG, PNG or WebP photos are accepted."))
            if probe.width * probe.height > MAX_PIXELS:
                raise UploadError(_("The photo is too large (too many pixels)."))
            if min(probe.width, probe.height) < min_side:
                raise UploadError(
                    _("The photo is too small: at least %(px)s pixels on each side."),
                    code="upload.too_small",
                    px=min_side,
                )
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            upright = ImageOps.exif_transpose(image)
            if image_format == "JPEG" and upright.mode not in ("RGB", "L"):
                upright = upright.convert("RGB")
            out = io.BytesIO()
            upright.save(out, format=image_format)  # no exif= argument: the metadata is left behind
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise UploadError(_("The file is not a readable photo.")) from exc
    content_type, suffix = IMAGE_FORMATS[image_format]
    return out.getvalue(), content_type, suffix


def store_upload(
    file: IO[bytes],
    *,
    allow_pdf: bool = False,
    folder: str = "cases",
    max_bytes: int | None = None,
    min_side: int = 0,
) -> StoredFile:
    """Check ``file`` (size, type by content, images at least ``min_side`` pixels each way), strip image
    metadata and store it under a random name in ``folder``. Raises UploadError with a message for the
    user; nothing is written then."""
    limit = max_bytes or settings.CASES_UPLOAD_MAX_BYTES
    data = file.read(limit + 1)
    if not data:
        raise UploadError(_("The file is empty."))
    if len(data) > limit:
        raise UploadError(
            _("The file is larger than %(mb)s MB."), code="case.upload_too_large", mb=limit // 1_000_000
        )
    if data.startswith(b"%PDF-"):
        if not allow_pdf:
            raise UploadError(_("Only JPEG, PNG or WebP photos are accepted."))
        content, (content_type, suffix) = data, PDF
    else:
        content, content_type, suffix = _reencode(data, min_side)
    relative = Path(folder) / timezone.now().strftime("%Y/%m") / f"{secrets.token_hex(16)}{suffix}"
    target = Path(settings.PRIVATE_MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("xb") as handle:
        handle.write(content)
    return StoredFile(path=relative.as_posix(), content_type=content_type, size=len(content))


def discard(paths: list[str]) -> None:
    """Remove files stored for a change that did not go through (best effort)."""
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    for path in paths:
        (root / path).unlink(missing_ok=True)


def open_stored(path: str) -> IO[bytes]:
    """Open a stored upload for reading (the caller has checked the officer may see it)."""
    root = Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    target = (root / path).resolve()
    if root not in target.parents:
        raise UploadError(_("The file is not a readable photo."))
    return target.open("rb")

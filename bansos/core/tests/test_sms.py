from __future__ import annotations

from pathlib import Path

import pytest
from django.test import override_settings

from bansos.core import sms


@pytest.fixture(autouse=True)
def empty_outbox() -> None:
    sms.outbox.clear()


def test_locmem_backend_collects_messages_for_tests() -> None:
    assert sms.send_sms("+6281200000001", "Kode Anda 123456") == 1
    assert [(message.to, message.body) for message in sms.outbox] == [("+6281200000001", "Kode Anda 123456")]


def test_file_backend_appends_one_line_per_message(tmp_path: Path) -> None:
    with override_settings(SMS_BACKEND="bansos.core.sms.FileBackend", SMS_FILE_PATH=tmp_path):
        sent = sms.send_many([sms.SmsMessage(to="+6281", body="a"), sms.SmsMessage(to="+6282", body="b")])
    assert sent == 2
    lines = "".join(path.read_text() for path in tmp_path.iterdir()).splitlines()
    assert [line.split("\t")[1:] for line in lines] == [["+6281", "a"], ["+6282", "b"]]
    assert sms.outbox == []


def test_console_backend_prints(capsys: pytest.CaptureFixture[str]) -> None:
    with override_settings(SMS_BACKEND="bansos.core.sms.ConsoleBackend"):
        sms.send_sms("+6281", "halo")
    assert capsys.readouterr().out == "SMS to +6281: halo\n"

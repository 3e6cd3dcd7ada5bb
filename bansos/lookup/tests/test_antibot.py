import base64
import json
import time

import altcha
import pytest
from django.test import override_settings
from django.utils import translation

from bansos.lookup import antibot
from bansos.lookup.antibot import AntiBotAnswer, AntiBotError
from bansos.lookup.tests.helpers import answered_question, solved_altcha


def test_valid_altcha_solution_is_accepted_once() -> None:
    payload = solved_altcha()
    antibot.verify(AntiBotAnswer(altcha=payload))
    with pytest.raises(AntiBotError) as replay:
        antibot.verify(AntiBotAnswer(altcha=payload))
    assert replay.value.code == "antibot.replayed"


def test_wrong_altcha_solution_is_refused() -> None:
    data = json.loads(base64.b64decode(solved_altcha()))
    data["solution"]["derivedKey"] = "00" * 32
    with pytest.raises(AntiBotError) as wrong:
        antibot.verify(AntiBotAnswer(altcha=base64.b64encode(json.dumps(data).encode()).decode()))
    assert wrong.value.code == "antibot.invalid"


def test_tampered_challenge_is_refused() -> None:
    data = json.loads(base64.b64decode(solved_altcha()))
    data["challenge"]["parameters"]["expiresAt"] += 3600
    with pytest.raises(AntiBotError) as tampered:
        antibot.verify(AntiBotAnswer(altcha=base64.b64encode(json.dumps(data).encode()).decode()))
    assert tampered.value.code == "antibot.invalid"


def test_challenge_signed_with_another_key_is_refused() -> None:
    with override_settings(ALTCHA_HMAC_KEY="another-key"):
        payload = solved_altcha()
    with pytest.raises(AntiBotError):
        antibot.verify(AntiBotAnswer(altcha=payload))


@pytest.mark.parametrize("garbage", ["x", "bm90IGpzb24=", base64.b64encode(b'{"challenge": 1}').decode()])
def test_garbage_payload_is_refused(garbage: str) -> None:
    with pytest.raises(AntiBotError) as bad:
        antibot.verify(AntiBotAnswer(altcha=garbage))
    assert bad.value.code == "antibot.invalid"


def test_expired_altcha_challenge_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    payload = solved_altcha()
    later = time.time() + antibot.DEFAULT_EXPIRES + 5
    monkeypatch.setattr(altcha.v2.time, "time", lambda: later)
    with pytest.raises(AntiBotError) as expired:
        antibot.verify(AntiBotAnswer(altcha=payload))
    assert expired.value.code == "antibot.expired"


def test_missing_answer_is_refused() -> None:
    with pytest.raises(AntiBotError) as missing:
        antibot.verify(AntiBotAnswer())
    assert missing.value.code == "antibot.missing"


def test_question_right_answer_accepted_once() -> None:
    token, answer = answered_question()
    antibot.verify(AntiBotAnswer(question_token=token, question_answer=answer))
    with pytest.raises(AntiBotError) as replay:
        antibot.verify(AntiBotAnswer(question_token=token, question_answer=answer))
    assert replay.value.code == "antibot.replayed"


def test_question_accepts_the_answer_in_words() -> None:
    token, answer = answered_question()
    words = antibot.NUMBER_WORDS["id"] + list(antibot.EXTRA_WORDS)
    word = (
        antibot.NUMBER_WORDS["id"][int(answer)]
        if int(answer) <= 10
        else next(w for w, n in antibot.EXTRA_WORDS.items() if n == int(answer))
    )
    assert word in words
    antibot.verify(AntiBotAnswer(question_token=token, question_answer=f"  {word.upper()} "))


def test_question_wrong_answer_refused() -> None:
    token, answer = answered_question()
    with pytest.raises(AntiBotError) as wrong:
        antibot.verify(AntiBotAnswer(question_token=token, question_answer=str(int(answer) + 1)))
    assert wrong.value.code == "antibot.wrong"
    with pytest.raises(AntiBotError):
        antibot.verify(AntiBotAnswer(question_token=token, question_answer="banyak"))


def test_question_forged_or_expired_token_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(AntiBotError) as forged:
        antibot.verify(AntiBotAnswer(question_token="abc:def", question_answer="7"))
    assert forged.value.code == "antibot.invalid"
    token, answer = answered_question()
    later = time.time() + antibot.DEFAULT_EXPIRES + 5
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    with pytest.raises(AntiBotError) as expired:
        antibot.verify(AntiBotAnswer(question_token=token, question_answer=answer))
    assert expired.value.code == "antibot.expired"


def test_question_in_english_and_indonesian() -> None:
    with translation.override("en"):
        assert "plus" in str(antibot.new_question().text)
    with translation.override("id"):
        text = str(antibot.new_question().text)
        assert any(word in text.split() for word in antibot.NUMBER_WORDS["id"][1:10])


def test_oversized_payload_is_refused_without_parsing() -> None:
    with pytest.raises(AntiBotError) as big:
        antibot.verify(AntiBotAnswer(altcha="A" * 100_000))
    assert big.value.code == "antibot.invalid"


def test_bench_bypass_token_is_only_honoured_under_the_bench_settings() -> None:

    token = antibot.AntiBotAnswer(altcha="bench-bypass-token")
    with override_settings(LOOKUP_ANTIBOT_BYPASS_TOKEN="bench-bypass-token"):
        assert not antibot.bypass_active()  # test settings: refused like any unsolved payload
        with pytest.raises(antibot.AntiBotError):
            antibot.verify(token)
        with override_settings(SETTINGS_MODULE="config.settings.bench"):
            assert antibot.bypass_active()
            antibot.verify(token)
            antibot.verify(token)  # a fixed token, not one-time
            with pytest.raises(antibot.AntiBotError):
                antibot.verify(antibot.AntiBotAnswer(altcha="another-token"))

from django.test import override_settings

from bansos.core.conf import setting


def test_an_optional_setting_is_remembered_until_a_setting_changes() -> None:
    assert setting("BANSOS_TEST_ONLY_SETTING", 3) == 3  # not set: the default
    with override_settings(BANSOS_TEST_ONLY_SETTING=7):
        assert setting("BANSOS_TEST_ONLY_SETTING", 3) == 7
    assert setting("BANSOS_TEST_ONLY_SETTING", 3) == 3


def test_a_changed_limit_reaches_the_rate_limits() -> None:
    from bansos.lookup import ratelimit

    assert ratelimit.configured_limit("LOOKUP_RATE_PER_IP", (20, 60)) == (20, 60)
    with override_settings(LOOKUP_RATE_PER_IP=(2, 30)):
        assert ratelimit.configured_limit("LOOKUP_RATE_PER_IP", (20, 60)) == (2, 30)

"""Two settings errors named the offending key with `key=`, which `FieldError(key, **values)` took
as its own first argument: Python raised TypeError and the admin saw a crash instead of the
message under the field (found by mypy, issue 14). The message key is now positional-only."""

from __future__ import annotations

import pytest

from bot.core.i18n import t
from bot.settings import ops
from bot.settings.fields import FieldError, parse_reasons


def test_an_unknown_setting_is_named_under_the_field() -> None:
    _values, errors = ops.read_form({"digest_hour ": "8"}, {})
    error = errors["digest_hour "]
    assert error.key == "settings.error.unknown_key"
    assert t("en", error.key, **error.values) == "There is no setting “digest_hour ”."
    assert t("zh", error.key, **error.values) == "没有“digest_hour ”这个设置。"


def test_a_loss_reason_listed_twice_is_named() -> None:
    text = "price | Too expensive | 价格太高\nPRICE | Cost | 成本\n"
    with pytest.raises(FieldError) as caught:
        parse_reasons(text, [])
    assert caught.value.values == {"key": "price"}
    assert t("en", caught.value.key, **caught.value.values) == "The key “price” is listed twice."
    assert t("zh", caught.value.key, **caught.value.values) == "“price”出现了两次。"

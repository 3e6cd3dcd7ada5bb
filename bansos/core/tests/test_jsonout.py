import datetime
import decimal
import json
import uuid

from django.utils.translation import gettext_lazy
from ninja.responses import NinjaJSONEncoder

from bansos.core.jsonout import dumps


def test_the_same_json_as_djangos_encoder() -> None:
    data = {
        "date": datetime.date(2026, 5, 12),
        "moment": datetime.datetime(2026, 5, 12, 1, 2, 3, 456789, tzinfo=datetime.UTC),
        "lazy": gettext_lazy("Yes"),
        "amount": decimal.Decimal("150000.50"),
        "id": uuid.UUID(int=7),
        "village": "Désa Tugu",
        "nested": [{"none": None, "flag": True, "count": 3}],
    }
    ours = json.loads(dumps(data))
    assert ours == json.loads(json.dumps(data, cls=NinjaJSONEncoder))
    assert ours["moment"] == "2026-05-12T01:02:03.456Z"  # datetimes written the way Django writes them

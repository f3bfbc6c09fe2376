"""Every whole number in a path or a query is bounded at the edge: an id beyond
the id columns' range is a 404 on every route, a page beyond any list shows the
first page, whoever asks; never a 500."""
import re

import pytest
from werkzeug.routing import IntegerConverter

from alliance_app.core.params import MAX_ID

from .conftest import login

HUGE = [MAX_ID + 1, 2**63, 10**30]


def _int_rules(app):
    for rule in app.url_map.iter_rules():
        names = [name for name, converter in rule._converters.items() if isinstance(converter, IntegerConverter)]
        if names:
            yield rule, names


def _url(rule, names, number):
    values = {name: number for name in names}
    path = rule.rule
    for name in rule.arguments:
        path = re.sub(rf"<(?:[a-z]+(?:\([^)]*\))?:)?{name}>", str(values.get(name, "x")), path)
    return path


def test_the_app_has_rules_with_ids(app):
    assert len(list(_int_rules(app))) > 30


@pytest.mark.parametrize("number", HUGE)
def test_an_id_out_of_range_is_not_there_on_every_route(app, client, people, number):
    login(client, people.admin)
    answered = {}
    for rule, names in _int_rules(app):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(_url(rule, names, number), method=method)
            answered[f"{method} {rule.rule}"] = response.status_code
    assert {key: status for key, status in answered.items() if status != 404} == {}


def test_the_largest_id_is_looked_up_and_not_found(client, people):
    login(client, people.admin)
    assert client.get(f"/organizations/{MAX_ID}").status_code == 404
    assert client.get(f"/api/v1/organizations/{MAX_ID}",
                      headers={"Authorization": "Bearer nothing"}).status_code == 401


@pytest.mark.parametrize("url", ["/admin/organizations", "/admin/agreements", "/admin/audit",
                                 "/admin/events/{event_id}/registrations"])
@pytest.mark.parametrize("query", ["page=99999999999999999999", "page=-3", "page=abc",
                                   "per_page=99999999999999999999", "page=2&per_page=1000000",
                                   "event_id=99999999999999999999", "ids=99999999999999999999,1"])
def test_list_pages_take_any_number_in_the_query(client, people, url, query):
    login(client, people.admin)
    response = client.get(url.format(event_id=people.meeting.event.id) + "?" + query)
    assert response.status_code == 200


def test_an_export_of_chosen_ids_ignores_ids_out_of_range(client, people):
    login(client, people.staff)
    response = client.get(f"/admin/events/{people.meeting.event.id}/badges.pdf?ids=99999999999999999999999")
    assert response.status_code == 200

"""The network overview: shared records only, by theme and city, as tables and charts."""

from __future__ import annotations

import re


def test_the_overview_counts_only_shared_records(client_as, make_record):
    make_record("project", "lahti", "network", title="Shared coaching")
    make_record("project", "lahti", "city", title="Private coaching")
    make_record("event", "helsinki", "network", title="Shared festival")
    make_record("offer", "helsinki", "network")
    client, _ = client_as("viewer", "oulu")
    page = client.get("/overview").get_data(as_text=True)
    lahti = re.search(r'<th scope="row">Lahti</th>(.*?)</tr>', page, re.S).group(1)
    assert re.findall(r'<td class="num">(\d+)</td>', lahti) == ["1", "0", "0", "0", "1"]
    helsinki = re.search(r'<th scope="row">Helsinki</th>(.*?)</tr>', page, re.S).group(1)
    assert re.findall(r'<td class="num">(\d+)</td>', helsinki) == ["0", "1", "0", "1", "2"]
    assert 'role="img"' in page and '<title id="city-chart-title">' in page
    assert "Shared festival" in page  # upcoming shared events
    assert "Private coaching" not in page


def test_the_overview_issues_a_fixed_number_of_statements(client_as, count_statements, make_record):
    client, _ = client_as()

    def statements():
        client.get("/overview")
        with count_statements() as counter:
            assert client.get("/overview").status_code == 200
        return counter.count

    make_record("event", "helsinki", "network")
    few = statements()
    for i in range(40):
        make_record(
            ["project", "event", "agreement", "offer"][i % 4],
            ["helsinki", "espoo", "turku"][i % 3],
            "network",
        )
    assert statements() == few

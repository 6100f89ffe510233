"""Each city's demo looks like that city: its category mix, names that fit the category, its own
departments and leaders, and tickets of its own."""

from __future__ import annotations

import pytest

from projlife.app.commands import AssignSponsor, ConceiveProject
from projlife.demo.flavour import DEFAULT, FLAVOURS, flavour_for
from projlife.demo.simulation import simulate
from projlife.demo.ticket_simulation import simulate_tickets
from projlife.domain.credit_code import is_valid_credit_code
from projlife.plugins.manager import city_profiles, get_plugin_manager, ticket_rules
from projlife.plugins.types import CityProfile
from projlife.tickets.policy import TicketPolicy

CITIES = ("xiaogan", "zhumadian", "xiamen", "jiangyan")


def _city(slug: str) -> CityProfile:
    return city_profiles(get_plugin_manager())[slug]


def _ticket_labels(city: CityProfile) -> tuple[str, ...]:
    return TicketPolicy.from_rules(ticket_rules(get_plugin_manager(), city)).category_labels


@pytest.mark.parametrize("slug", CITIES)
def test_each_project_is_named_for_its_category_and_sponsored_by_the_citys_own_departments(slug: str) -> None:
    city = _city(slug)
    flavour = flavour_for(slug)
    sim = simulate(city, 120, seed=4)
    conceived = [c for c in sim.commands if isinstance(c, ConceiveProject)]
    categories = {c for c, _ in flavour.category_weights}
    for c in conceived:
        assert c.category in categories
        subjects, suffixes = flavour.names[c.category]
        assert any(s in c.project_name for s in subjects), (c.category, c.project_name)
        assert c.project_name.endswith(suffixes), c.project_name
        assert c.enterprise_code is not None and is_valid_credit_code(c.enterprise_code)
    sponsors = [c for c in sim.commands if isinstance(c, AssignSponsor)]
    assert sponsors
    assert {s.department for s in sponsors} <= set(flavour.departments)


def test_jiangyan_is_a_district_with_its_own_departments_and_industries() -> None:
    sim = simulate(_city("jiangyan"), 120, seed=4)
    sponsors = [c for c in sim.commands if isinstance(c, AssignSponsor)]
    assert all(s.department.startswith("区") and s.leader.startswith("区领导") for s in sponsors)
    names = {c.project_name for c in sim.commands if isinstance(c, ConceiveProject)}
    xiaogan = {
        c.project_name
        for c in simulate(_city("xiaogan"), 120, seed=4).commands
        if isinstance(c, ConceiveProject)
    }
    assert not names & xiaogan
    assert set(FLAVOURS["jiangyan"].departments).isdisjoint(FLAVOURS["xiaogan"].departments)


def test_every_ticket_problem_fits_its_category_and_each_city_has_problems_of_its_own() -> None:
    seen: dict[str, set[str]] = {}
    for slug in CITIES:
        city = _city(slug)
        flavour = flavour_for(slug)
        sim = simulate(city, 80, seed=2)
        raised = [
            c
            for c in simulate_tickets(city.code, sim.projects, _ticket_labels(city), 60, seed=2)
            if c["command"] == "raise_ticket"
        ]
        for t in raised:
            pool = flavour.problems.get(t["category"]) or flavour.other_problems
            assert t["description"] in pool, (slug, t["category"], t["description"])
            assert t["raised_by"] in flavour.ticket_sources
        seen[slug] = {t["description"] for t in raised}
    for a in CITIES:
        for b in CITIES:
            if a < b:
                assert seen[a] != seen[b] and not seen[a] >= seen[b], (a, b)


def test_a_city_without_a_flavour_of_its_own_gets_the_default_by_slug_or_code() -> None:
    assert flavour_for("no-such-county") is DEFAULT
    assert flavour_for(_city("jiangyan").code) is FLAVOURS["jiangyan"]
    for flavour in (*FLAVOURS.values(), DEFAULT):
        assert all(c in flavour.names for c, _ in flavour.category_weights)

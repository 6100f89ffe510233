"""Seeded ticket traffic: deterministic, in date order, and every command accepted by the service."""

from __future__ import annotations

from collections import Counter
from datetime import date

from projlife.app.application import Projlife
from projlife.demo.simulation import simulate
from projlife.demo.ticket_simulation import simulate_tickets


def test_same_seed_same_commands_in_business_date_order(app: Projlife) -> None:
    city = app.city("xiaogan")
    sim = simulate(city, 40, seed=3)
    labels = app.tickets.policy(city.code).category_labels
    a = simulate_tickets(city.code, sim.projects, labels, 25, seed=9)
    b = simulate_tickets(city.code, sim.projects, labels, 25, seed=9)
    c = simulate_tickets(city.code, sim.projects, labels, 25, seed=10)
    assert a == b
    assert a != c
    days = [date.fromisoformat(x["occurred_on"]) for x in a]
    assert days == sorted(days)
    kinds = Counter(x["command"] for x in a)
    assert kinds["raise_ticket"] == kinds["assign_ticket"] == 25
    assert kinds["answer_ticket"] <= 25


def test_every_generated_command_is_accepted_and_no_ticket_is_about_a_cancelled_project(
    app: Projlife,
) -> None:
    city = app.city("zhumadian")
    sim = simulate(city, 60, seed=5)
    app.projects.ingest(sim.commands)
    cancelled = {p.code for p in sim.projects if p.cancelled}
    labels = app.tickets.policy(city.code).category_labels
    cmds = simulate_tickets(city.code, sim.projects, labels, 30, seed=1)
    for cmd in cmds:
        app.tickets.execute(cmd)
    raised = [c for c in cmds if c["command"] == "raise_ticket"]
    assert not any(c["code"].rsplit("-T", 1)[0] in cancelled for c in raised)
    summary = app.tickets.summary(as_of=date(2024, 12, 31), city_code=city.code)
    assert summary.raised == 30
    assert summary.answered + summary.open + summary.closed == 30

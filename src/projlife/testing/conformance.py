"""The conformance kit every city plugin's tests subclass.

::

    from projlife.testing.conformance import CityPluginConformance
    import my_city_plugin

    class TestMyCity(CityPluginConformance):
        plugin = my_city_plugin

pytest then runs every ``test_*`` method below against the plugin: it registers cleanly, it
declares one city and governs it, its quotas are never negative and its rates stay within
[0, 1] (as targets and as evaluated on generated project histories), its deadlines fall on or
after their trigger, a ranking is a permutation of the areas, its rule-set hash is stable, and
its command policy answers with problems instead of raising.

Installed beside the four built-in cities (:attr:`CityPluginConformance.neighbours`), the
plugin must load (no claim on their codes) and change none of their rule-set hashes, quota,
deadline and ranking verdicts, or command-policy answers.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar

import attrs
import pluggy
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from projlife.domain.errors import Problem
from projlife.domain.periods import Period, PeriodKind
from projlife.domain.ticket import Satisfaction
from projlife.engine.evaluate import evaluate_deadlines, evaluate_quotas, rank
from projlife.engine.facts import ProjectFacts
from projlife.plugins.manager import (
    city_calendar,
    city_profiles,
    get_plugin_manager,
    jurisdictions,
    rule_set,
    ticket_rules,
    validate_command,
)
from projlife.plugins.rules import Measure, RuleSet
from projlife.plugins.types import CityProfile
from projlife.projections.counting import Sheet, SiteScores
from projlife.testing.strategies import business_dates, lifecycle_commands, periods, project_facts_for
from projlife.tickets.policy import TicketPolicy

__all__ = ["CityPluginConformance", "built_in_cities"]


def built_in_cities() -> tuple[tuple[str, object], ...]:
    """The four built-in city plugins as ``(entry-point name, module)``."""
    from projlife.plugins.cities import jiangyan, xiamen, xiaogan, zhumadian

    return (("jiangyan", jiangyan), ("xiamen", xiamen), ("xiaogan", xiaogan), ("zhumadian", zhumadian))


_KIT = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.differing_executors],
)


_BESIDE = settings(
    _KIT,
    # the message names the city and the verdict that changed; shrinking the history adds nothing
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)


class _ListFacts:
    """Facts in memory, and (for a site-scored ranking) scoring sheets for every project: one
    drawn project per fact, scored ``scores[i]`` (or not scored when ``None``) by one scorer."""

    def __init__(self, facts: Sequence[ProjectFacts], scores: Sequence[Decimal | None] = ()) -> None:
        self._facts = list(facts)
        self._scores = list(scores)

    def project_facts(self, city: CityProfile) -> list[ProjectFacts]:
        return self._facts

    def site_sheets(
        self, city_code: str, period: str, *, as_of: date | None = None, known_at: datetime | None = None
    ) -> SiteScores:
        drawn = tuple(("kit", str(f.project_id), f.area_code) for f in self._facts)
        sheets = tuple(
            Sheet("kit", str(f.project_id), f.area_code, "scorer-kit", score, as_of or date.min, i)
            for i, (f, score) in enumerate(zip(self._facts, self._scores, strict=False))
            if score is not None
        )
        return SiteScores(city_code, period, drawn, sheets)


class CityPluginConformance:
    """Subclass as ``TestSomething`` and set :attr:`plugin` to your plugin module (or object).

    ``plugin_name`` is the name it is registered under (use your entry-point name);
    ``sample_periods`` the periods whose rule sets are checked (default: 2024 and its halves,
    quarters and months); ``neighbours`` the plugins it must leave unchanged (default: the four
    built-in cities; a built-in city under test is left out of its own neighbours).
    """

    plugin: ClassVar[object]
    plugin_name: ClassVar[str] = "city-under-test"
    sample_periods: ClassVar[tuple[Period, ...]] = (
        Period.parse("2024"),
        Period.parse("2024-H1"),
        Period.parse("2024-H2"),
        *(Period.parse(f"2024-Q{q}") for q in range(1, 5)),
        *(Period.parse(f"2024-{m:02d}") for m in range(1, 13)),
    )

    neighbours: ClassVar[tuple[tuple[str, object], ...] | None] = None

    # -- helpers --------------------------------------------------------------------------------

    def plugin_manager(self) -> pluggy.PluginManager:
        """A plugin manager holding only the plugin under test (one per test)."""
        return self._cached("alone", [(self.plugin_name, self.plugin)])

    def _cached(self, key: str, plugins: list[tuple[str, object]]) -> pluggy.PluginManager:
        cache: dict[str, pluggy.PluginManager] = self.__dict__.setdefault("_plugin_managers", {})
        if key not in cache:
            cache[key] = get_plugin_manager(load_entry_points=False, plugins=plugins)
        return cache[key]

    def neighbour_plugins(self) -> list[tuple[str, object]]:
        """The plugins installed beside the one under test (never the plugin itself)."""
        found = self.neighbours if self.neighbours is not None else built_in_cities()
        return [(n, p) for n, p in found if n != self.plugin_name and p is not self.plugin]

    def neighbours_alone(self) -> pluggy.PluginManager:
        return self._cached("neighbours", self.neighbour_plugins())

    def beside_neighbours(self) -> pluggy.PluginManager:
        """The neighbours with the plugin under test installed beside them (registered last, so
        that pluggy asks it first)."""
        return self._cached("beside", [*self.neighbour_plugins(), (self.plugin_name, self.plugin)])

    def city(self) -> CityProfile:
        (profile,) = city_profiles(self.plugin_manager()).values()
        return profile

    def rules(self, period: Period) -> RuleSet:
        return rule_set(self.plugin_manager(), self.city(), period)

    # -- identity and rules ---------------------------------------------------------------------

    def test_registers_with_known_hooks_only(self) -> None:
        pm = self.plugin_manager()
        pm.check_pending()
        assert pm.get_plugin(self.plugin_name) is not None

    def test_declares_exactly_one_city_with_areas(self) -> None:
        found = city_profiles(self.plugin_manager())
        assert len(found) == 1, f"a city plugin declares one city, found {sorted(found)}"
        profile = next(iter(found.values()))
        assert profile.areas.city.code == profile.code
        assert len(list(profile.areas)) > 1, "a city needs areas to hold to account"

    def test_governs_the_city_it_declares(self) -> None:
        pm = self.plugin_manager()
        governed = jurisdictions(pm)[self.plugin_name]
        for profile in city_profiles(pm).values():
            assert profile.code in governed, f"the plugin declares {profile.slug} but does not govern it"

    # -- beside the built-in cities --------------------------------------------------------------

    def test_installs_beside_the_built_in_cities_without_changing_their_rule_set_hashes(self) -> None:
        alone, beside = self.neighbours_alone(), self.beside_neighbours()
        neighbours = city_profiles(alone)
        assert neighbours, "no neighbour city to compare"
        for slug, profile in neighbours.items():
            for period in self.sample_periods:
                before = rule_set(alone, profile, period)
                after = rule_set(beside, profile, period)
                assert after.sha256 == before.sha256, (
                    f"installing {self.plugin_name!r} changes {slug}'s rule set for {period}: "
                    f"{before.sha256[:12]} -> {after.sha256[:12]}"
                )
            assert city_calendar(beside, profile) == city_calendar(alone, profile), (
                f"installing {self.plugin_name!r} changes {slug}'s working-day calendar"
            )

    @_BESIDE
    @given(data=st.data())
    def test_installs_beside_the_built_in_cities_without_changing_their_verdicts(
        self, data: st.DataObject
    ) -> None:
        alone, beside = self.neighbours_alone(), self.beside_neighbours()
        neighbours = city_profiles(alone)
        slug = data.draw(st.sampled_from(sorted(neighbours)), label="neighbour")
        city = neighbours[slug]
        facts = _ListFacts(data.draw(project_facts_for(city, max_size=12)))
        period = data.draw(st.sampled_from(self.sample_periods[:7]), label="period")
        as_of = data.draw(business_dates(start=date(2024, 1, 1), end=date(2025, 6, 30)))
        who = f"installing {self.plugin_name!r} changes {slug}'s"
        for command in data.draw(lifecycle_commands(city)):
            assert validate_command(beside, city, command, None) == validate_command(
                alone, city, command, None
            ), f"{who} command policy for {type(command).__name__}"
        verdicts = []
        for pm in (alone, beside):
            rs = rule_set(pm, city, period)
            quotas = evaluate_quotas(facts, city, period, as_of, rules=rs)
            deadlines = evaluate_deadlines(facts, city, as_of, rules=rs, calendar=city_calendar(pm, city))
            ranked = [
                [
                    (r.area_code, r.rank, r.score)
                    for r in rank(facts, city, period, period.end, rules=rs, rule_id=s.id).rows
                ]
                for s in rs.scoring
            ]
            verdicts.append((list(quotas.results), list(deadlines.results), ranked))
        assert verdicts[1][0] == verdicts[0][0], f"{who} quota verdicts"
        assert verdicts[1][1] == verdicts[0][1], f"{who} deadline verdicts"
        assert verdicts[1][2] == verdicts[0][2], f"{who} rankings"

    def test_quota_targets_are_never_negative_and_rates_are_within_zero_one(self) -> None:
        for period in self.sample_periods:
            rs = self.rules(period)
            for q in rs.quotas:
                assert q.target >= 0, q.id
                if q.metric.measure is Measure.RATE:
                    assert q.target <= 1, q.id
            for s in rs.scoring:
                assert all(i.weight >= 0 for i in s.indicators), s.id
            rate = rs.tickets.revisit_sample_rate
            assert rate is None or Decimal(0) <= rate <= Decimal(1)

    def test_ticket_policy_assembles_from_the_hooks(self) -> None:
        rules = ticket_rules(self.plugin_manager(), self.city())
        policy = TicketPolicy.from_rules(rules)
        assert policy.satisfaction_bar in set(Satisfaction)
        assert Decimal(0) <= policy.revisit_sample_rate <= Decimal(1)
        assert policy.categories and policy.ladder
        for field in ("categories", "ladder", "due_rule", "satisfaction_bar"):
            answered = getattr(rules, field)
            if answered is not None:
                assert getattr(policy, field) == answered, f"the plugin's {field} is not the policy's"

    def test_rule_set_hash_is_stable(self) -> None:
        for period in self.sample_periods:
            first, second = self.rules(period), self.rules(period)
            assert first.sha256 == second.sha256, f"rules for {period} differ between two calls"
            assert first.canonical_json() == second.canonical_json()
            assert json.loads(first.canonical_json()) == first.as_dict()
            assert len(first.sha256) == 64

    def test_rule_set_hash_changes_when_the_rules_change(self) -> None:
        rs = self.rules(self.sample_periods[0])
        changed = RuleSet(
            city=rs.city,
            city_code=rs.city_code,
            period=rs.period,
            major_threshold=rs.major_threshold,
            size_classes=rs.size_classes,
            quotas=rs.quotas[1:],
            deadlines=rs.deadlines,
            scoring=rs.scoring,
            tickets=rs.tickets,
            calendar=rs.calendar,
        )
        bar = rs.tickets.satisfaction_bar
        other_bar = attrs.evolve(
            rs, tickets=attrs.evolve(rs.tickets, satisfaction_bar=1 if bar != Satisfaction(1) else 2)
        )
        assert changed.sha256 != rs.sha256 or not rs.quotas
        assert other_bar.sha256 != rs.sha256

    # -- the rules in action, on generated histories -------------------------------------------

    @_KIT
    @given(data=st.data())
    def test_evaluated_quotas_are_never_negative_and_rates_within_zero_one(self, data: st.DataObject) -> None:
        city = self.city()
        facts = data.draw(project_facts_for(city))
        period = data.draw(st.sampled_from(self.sample_periods))
        as_of = data.draw(business_dates(start=date(2024, 1, 1), end=date(2025, 6, 30)))
        report = evaluate_quotas(_ListFacts(facts), city, period, as_of, rules=self.rules(period))
        for r in report.results:
            v = r.value.value
            if v is None:
                continue
            assert v >= 0, r
            if self.rules(period).quota(r.rule_id).metric.measure is Measure.RATE:
                assert v <= 1, r

    @_KIT
    @given(data=st.data())
    def test_deadlines_fall_on_or_after_their_trigger(self, data: st.DataObject) -> None:
        city = self.city()
        pm = self.plugin_manager()
        rs = self.rules(Period.parse("2024"))
        calendar = city_calendar(pm, city)
        for spec in rs.deadlines:
            trigger = data.draw(business_dates())
            due = spec.rule.due(trigger, calendar).due_on
            assert due >= trigger, spec.id
            if spec.rule.amount > 0:
                assert due > trigger, spec.id
        facts = data.draw(project_facts_for(city))
        as_of = data.draw(business_dates())
        report = evaluate_deadlines(_ListFacts(facts), city, as_of, rules=rs, calendar=calendar)
        for r in report.results:
            assert r.due_on >= r.trigger_on and r.trigger_on <= as_of
            assert r.overdue_working_days >= 0

    @_KIT
    @given(data=st.data())
    def test_a_ranking_is_a_permutation_of_the_areas(self, data: st.DataObject) -> None:
        city = self.city()
        period = data.draw(periods(kinds=(PeriodKind.QUARTER, PeriodKind.HALF_YEAR, PeriodKind.YEAR)))
        rs = self.rules(period)
        facts = data.draw(project_facts_for(city))
        score = st.none() | st.integers(0, 10_000).map(lambda n: Decimal(n) / 100)
        sheets = data.draw(st.lists(score, min_size=len(facts), max_size=len(facts)))
        for scoring in rs.scoring:
            ranked = rank(_ListFacts(facts, sheets), city, period, period.end, rules=rs, rule_id=scoring.id)
            codes = [r.area_code for r in ranked.rows]
            expected = sorted(a.code for a in scoring.scope.areas(city.areas))
            assert sorted(codes) == expected and len(codes) == len(set(codes))
            scores = [r.score for r in ranked.rows]
            assert scores == sorted(scores, reverse=True)
            # equal scores share a rank (并列): rank = 1 + the number of areas scoring higher
            assert [r.rank for r in ranked.rows] == [1 + sum(1 for x in scores if x > sc) for sc in scores]
            if len(set(scores)) > 1:
                assert {r.area_code for r in ranked.top} == {
                    r.area_code for r in ranked.rows if r.rank <= ranked.top_n
                }
            assert not set(r.area_code for r in ranked.top) & set(r.area_code for r in ranked.bottom)
            assert ranked.rule_set_sha256 == rs.sha256

    @_KIT
    @given(data=st.data())
    def test_command_policy_answers_with_problems_and_never_raises(self, data: st.DataObject) -> None:
        city = self.city()
        pm = self.plugin_manager()
        for command in data.draw(lifecycle_commands(city)):
            problems = validate_command(pm, city, command, None)
            assert all(isinstance(p, Problem) for p in problems)

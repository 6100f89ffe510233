"""Zhumadian's rules table for the docs: each rule, its seed phrase and what projlife counts."""

from __future__ import annotations

from projlife.plugins.cities._support import RuleDoc
from projlife.plugins.cities.zhumadian.seed import (
    ASSESSMENT,
    BATCHES,
    CATEGORIES,
    CONTACT,
    FLAGS,
    HANDOVER,
    LADDER_TUESDAY,
    LEDGER,
    MONTHLY_RATES,
    NEXT_QUARTER_60,
    RESERVE_3X,
    RESERVE_15,
    RESERVE_40,
    RESERVE_LARGE,
    SIGN_50YI,
    SIGNED_60,
    SIGNING_28,
    START_5_4_3,
    START_90D,
    START_90WD,
    TEAM,
    TECH_UPGRADE,
    ZhumadianSettings,
)

__all__ = ["rule_docs"]


def rule_docs(s: ZhumadianSettings) -> list[RuleDoc]:
    """Zhumadian's rules table: rule, citation, how computed, setting."""
    return [
        RuleDoc(
            "quarterly three batches",
            BATCHES,
            "city-wide, each quarter: at least one project signed, one started, one into production",
            "none",
            ("batch.signed", "batch.started", "batch.producing"),
        ),
        RuleDoc(
            "at least 40 % of the reserve signed",
            RESERVE_40,
            "per county: of the projects reserved in the year, the share signed by the year's end (or the "
            "as-of date) ≥ 0.4",
            "`reserve_signed_share`, `reserve_share_period`",
            ("signing.reserve-share",),
        ),
        RuleDoc(
            "60 % of the next quarter's started batch comes from this quarter's signed batch",
            NEXT_QUARTER_60,
            'per county: "X 在 Y 中占比" is X ÷ Y — Y is this quarter\'s started batch (projects whose start '
            "is dated in the quarter), X the projects in Y whose signing is dated in the previous quarter; "
            "X ÷ Y ≥ 0.6 (measure `share`)",
            "`next_quarter_started_share`",
            ("starting.next-quarter-share",),
        ),
        RuleDoc(
            "60 % of signed projects start",
            SIGNED_60,
            "per county, a separate quota: of the projects signed in the quarter, the share started by its "
            "end ≥ 0.6 (measure `rate`)",
            "`signed_started_share`",
            ("starting.signed-share",),
        ),
        RuleDoc(
            "start within 90 working days of signing",
            START_90WD,
            "overdue = signing date + 90 working days on the official calendar (holidays and make-up days) "
            "passed without a start; overdue projects are flagged `lagging`",
            "`start_within`",
            ("signed.start",),
        ),
        RuleDoc(
            "the norm: 90 days (warning)",
            START_90D,
            "the deadline report shows both: a warning (`start-warning`) once 90 calendar days have passed "
            "without a start (原则上, the norm), overdue only at 90 working days",
            "`start_warning_within`, `warning_flag`",
            ("signed.start-warning",),
        ),
        RuleDoc(
            "hand-over within 3 days",
            HANDOVER,
            "due = signing + 3 calendar days",
            "`handover_within`",
            ("post_signing_schedule",),
        ),
        RuleDoc(
            "ledger entry within 1 working day",
            LEDGER,
            "due = hand-over due day + 1 working day (the report reaches the office at the latest then)",
            "`ledger_within`",
            ("post_signing_schedule",),
        ),
        RuleDoc(
            "departmental contact within 1 working day",
            CONTACT,
            "due = ledger due day + 1 working day",
            "`contact_within`",
            ("post_signing_schedule",),
        ),
        RuleDoc(
            "project team within 7 days",
            TEAM,
            "due = signing + 7 calendar days, met by `FormTeam`",
            "`team_within`",
            ("signed.team",),
        ),
        RuleDoc(
            "at least 15 reserved per county a quarter",
            RESERVE_15,
            "reserved entries per county in the quarter ≥ 15",
            "`reserve_per_quarter`",
            ("reserve.per-quarter",),
        ),
        RuleDoc(
            "reserve at least three times the number started",
            RESERVE_3X,
            "per county: projects standing in the reserve on the as-of date ≥ 3 × projects started in the "
            "period",
            "`reserve_multiple`",
            ("reserve_ratio_check",),
        ),
        RuleDoc(
            "1–2 reserved of ≥ 50 亿 and 3–6 of ≥ 20 亿 a year",
            RESERVE_LARGE,
            "per county, industry projects reserved in the year: ≥ 1 of at least 50 亿, ≥ 3 of at least 20 亿 "
            "(the range's upper ends are expectations, not limits)",
            "`reserve_50yi_min`, `reserve_20yi_min`, `twenty_yi_band_excludes_fifty`",
            ("reserve.50yi", "reserve.20yi"),
        ),
        RuleDoc(
            "at least one of ≥ 50 亿 signed a year",
            SIGN_50YI,
            "per county: industry projects of at least 50 亿 signed in the year ≥ 1",
            "`sign_50yi_min`",
            ("signing.50yi",),
        ),
        RuleDoc(
            "5 industry starts a quarter, 4 industrial; zones 3",
            START_5_4_3,
            "per county (not zones): industry projects started ≥ 5 and industrial ≥ 4; per zone: industry "
            "projects started ≥ 3",
            "`industry_starts_per_quarter`, `industrial_starts_per_quarter`, `zone_industry_starts_per_quarter`",
            ("starting.industry", "starting.industrial", "starting.zone-industry"),
        ),
        RuleDoc(
            "bi-monthly signing on the 28th",
            SIGNING_28,
            "the 28th of February, April, June, August, October and December",
            "`signing_day`",
            ("concentrated_signing_dates",),
        ),
        RuleDoc(
            "escalation ladder, Monday and Tuesday",
            LADDER_TUESDAY,
            "county → vice-mayor (every Monday) → key-project office → weekly meeting (every Tuesday)",
            "none",
            ("projlife_escalation_ladder",),
        ),
        RuleDoc(
            "lagging projects flagged",
            FLAGS,
            "every project overdue on a deadline gets `FlagProject(flag=lagging)`",
            "`lagging_flag`",
            ("flag_lagging",),
        ),
        RuleDoc(
            "monthly landing, start and investment-completion rates",
            MONTHLY_RATES,
            "year to the month's end, per county: landed ÷ signed, started ÷ signed, investment reported ÷ "
            "the annual investment target (目标责任书)",
            "the `annual_targets` argument",
            ("monthly_rates",),
        ),
        RuleDoc(
            "technical upgrades: 300 projects, 200 亿, 60 % of industrial investment",
            TECH_UPGRADE,
            "upgrade projects started in the year ≥ 300; their investment reported in the year ≥ 200 亿 and "
            "≥ 60 % of all industrial investment reported",
            "`tech_upgrade_projects`, `tech_upgrade_investment`, `tech_upgrade_share`",
            ("tech_upgrade_check",),
        ),
        RuleDoc(
            "quarterly assessment of the three batches",
            ASSESSMENT,
            "every quarter the counties and zones are ranked: 30 × signed + 40 × started + 30 × producing, "
            "each ÷ the best area's; the ranking is published",
            "`assessment_weights`",
            ("quarter.three-batches",),
        ),
        RuleDoc(
            "ticket categories",
            CATEGORIES,
            "融资, 用地, 用工 and (second phrase) 规划调整, 征地拆迁, 政策兑现",
            "none",
            ("projlife_ticket_categories",),
        ),
    ]

"""The one counting layer: which projects, in what scope, reached what stage when, as of D as known at T.

Everything that counts projects — the rule engine's quotas, deadlines and rankings,
``app.metrics`` and every bulletin section — reads :class:`Counting` and asks the same questions
of the same :class:`ProjectFacts`. Semantics: ``docs/projections.md`` ("Counting").
"""

from projlife.projections.counting.query import Counting, Entering
from projlife.projections.counting.record import DEFAULT_POLICY, ProjectFacts, Rejection, pool_of
from projlife.projections.counting.revision import Revision, revisions
from projlife.projections.counting.select import (
    AreaKind,
    Count,
    Excluded,
    Selection,
    entries,
    group_by_area,
    kind_of,
    round_rate,
)
from projlife.projections.counting.site_scores import AreaScore, ProjectScore, Sheet, SiteScores

__all__ = [
    "DEFAULT_POLICY",
    "AreaKind",
    "AreaScore",
    "Count",
    "Counting",
    "Entering",
    "Excluded",
    "ProjectFacts",
    "ProjectScore",
    "Rejection",
    "Revision",
    "Selection",
    "Sheet",
    "SiteScores",
    "entries",
    "group_by_area",
    "kind_of",
    "pool_of",
    "revisions",
    "round_rate",
]

"""The 台账 (ledger) layout shared by the Excel export and the Excel import.

One row per project. The headers are the ones officials use; amounts carry their unit
in the header (``计划总投资(万元)`` or ``计划总投资(亿元)``), and the import reads the
unit from the header, so a ledger kept in 亿元 imports as well as one in 万元.

Columns marked ``importable`` are read back by the import; the others are derived
from the history on export (``当前阶段``) or record something an import cannot vouch
for (``核实情况``: an importer's facts are claims until a verifier checks them).
"""

from __future__ import annotations

import re
from decimal import Decimal
from enum import StrEnum

import attrs

from projlife.domain.classification import InvestorClass, ProjectCategory
from projlife.domain.lifecycle import Pool, RemovalReason, Stage

__all__ = [
    "CATEGORY_BY_LABEL",
    "COLUMNS",
    "COLUMN_BY_KEY",
    "INVESTOR_BY_LABEL",
    "POOL_LABEL_ZH",
    "REMOVAL_LABEL_ZH",
    "STAGE_DATE_COLUMNS",
    "AmountUnit",
    "Column",
    "ColumnKind",
    "header_key",
]


class AmountUnit(StrEnum):
    """The unit amounts are written in: 元, 万元 or 亿元."""

    YUAN = "元"
    WAN = "万元"
    YI = "亿元"

    @property
    def yuan(self) -> Decimal:
        """How many yuan one of this unit is."""
        return {"元": Decimal(1), "万元": Decimal(10_000), "亿元": Decimal(100_000_000)}[self.value]


class ColumnKind(StrEnum):
    TEXT = "text"
    DATE = "date"
    AMOUNT = "amount"
    NUMBER = "number"


@attrs.frozen
class Column:
    """One ledger column: its key, its Chinese header (amount headers get the unit appended)."""

    key: str
    header: str
    kind: ColumnKind
    width: int
    importable: bool = True
    required: bool = False
    roundtrip: bool = True
    """Whether a re-import reproduces the value (False: 核实情况, which only a verifier sets)."""

    def title(self, unit: AmountUnit = AmountUnit.WAN) -> str:
        return f"{self.header}({unit.value})" if self.kind is ColumnKind.AMOUNT else self.header


STAGE_DATE_COLUMNS: dict[Stage, str] = {
    Stage.CONCEIVED: "conceived_on",
    Stage.RESERVED: "reserved_on",
    Stage.SIGNED: "signed_on",
    Stage.LANDED: "landed_on",
    Stage.STARTED: "started_on",
    Stage.IN_STATISTICS: "in_statistics_on",
    Stage.COMPLETED: "completed_on",
    Stage.PRODUCING: "producing_on",
    Stage.ABOVE_SCALE: "above_scale_on",
    Stage.AT_CAPACITY: "at_capacity_on",
}
"""Each lifecycle stage and the key of the column holding the date it was reached."""

_T, _D, _A, _N = ColumnKind.TEXT, ColumnKind.DATE, ColumnKind.AMOUNT, ColumnKind.NUMBER

COLUMNS: tuple[Column, ...] = (
    Column("code", "项目编号", _T, 16, required=True),
    Column("name", "项目名称", _T, 36, required=True),
    Column("area", "县市区", _T, 14, required=True),
    Column("category", "行业类别", _T, 11, required=True),
    Column("investors", "投资方类型", _T, 14),
    Column("enterprise_code", "统一社会信用代码", _T, 21),
    Column("area_mu", "用地面积(亩)", _N, 11),
    Column("planned_investment", "计划总投资", _A, 14, required=True),
    Column("stage", "当前阶段", _T, 10, importable=False),
    Column("conceived_on", "谋划日期", _D, 12),
    Column("reserved_on", "入库日期", _D, 12),
    Column("signed_on", "签约日期", _D, 12),
    Column("signed_amount", "签约金额", _A, 14),
    Column("counterparty", "签约对象", _T, 24),
    Column("batch", "签约批次", _T, 16),
    Column("landed_on", "落地日期", _D, 12),
    Column("started_on", "开工日期", _D, 12),
    Column("in_statistics_on", "纳统日期", _D, 12),
    Column("completed_on", "竣工日期", _D, 12),
    Column("producing_on", "投产日期", _D, 12),
    Column("above_scale_on", "进规日期", _D, 12),
    Column("at_capacity_on", "达产日期", _D, 12),
    Column("investment", "累计完成投资", _A, 14),
    Column("leader", "包保领导", _T, 12),
    Column("department", "包保部门", _T, 14),
    Column("team", "工作专班", _T, 24),
    Column("team_lead", "专班负责人", _T, 12),
    Column("flags", "挂牌标记", _T, 12),
    Column("removals", "出库情况", _T, 30),
    Column("cancelled_on", "取消日期", _D, 12),
    Column("cancel_reason", "取消原因", _T, 24),
    Column("verified", "核实情况", _T, 12, importable=False, roundtrip=False),
)
"""The ledger's columns, in order."""

COLUMN_BY_KEY: dict[str, Column] = {c.key: c for c in COLUMNS}

CATEGORY_BY_LABEL: dict[str, ProjectCategory] = {c.label_zh: c for c in ProjectCategory}
INVESTOR_BY_LABEL: dict[str, InvestorClass] = {c.label_zh: c for c in InvestorClass}

POOL_LABEL_ZH: dict[Pool, str] = {
    Pool.RESERVE: "储备库",
    Pool.SIGNED: "签约库",
    Pool.STARTED: "开工库",
    Pool.PRODUCING: "投产库",
}
REMOVAL_LABEL_ZH: dict[RemovalReason, str] = {
    RemovalReason.NOT_IN_STATISTICS_IN_TIME: "开工三个月未纳统",
    RemovalReason.NOT_GENUINE: "核查不实",
    RemovalReason.UNSUITABLE: "不适宜入库",
    RemovalReason.STALLED: "长期停滞",
    RemovalReason.DUPLICATE: "重复入库",
    RemovalReason.OTHER: "其他",
}

_UNIT_RE = re.compile(r"^(?P<base>.+?)\s*[(（]\s*(?P<unit>万元|亿元|元)\s*[)）]\s*$")
_BY_HEADER = {c.header: c for c in COLUMNS}


def header_key(header: str) -> tuple[Column, AmountUnit | None] | None:
    """The column a header names, and the amount unit it declares (``None`` if no unit).

    Full-width and half-width brackets and surrounding spaces are accepted; an amount
    column without a unit in its header is read in 万元.
    """
    text = re.sub(r"\s+", "", header.replace("（", "(").replace("）", ")"))
    match = _UNIT_RE.match(text)
    if match:
        column = _BY_HEADER.get(match["base"])
        if column is None or column.kind is not ColumnKind.AMOUNT:
            return None
        return column, AmountUnit(match["unit"])
    column = _BY_HEADER.get(text)
    if column is None:
        return None
    return column, (AmountUnit.WAN if column.kind is ColumnKind.AMOUNT else None)

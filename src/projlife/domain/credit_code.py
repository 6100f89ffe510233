"""统一社会信用代码 (unified social credit code, GB 32100-2015): check digits and validation."""

from __future__ import annotations

__all__ = ["CHARSET", "credit_code_check", "is_valid_credit_code", "make_credit_code", "org_code_check"]

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
"""The 31 characters of the code (no I, O, S, V, Z); a character's value is its index."""
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)  # GB 11714: the 组织机构代码's own check digit


def credit_code_check(first17: str) -> str:
    """The 18th character for the first 17: ``31 - (Σ value × weight mod 31)``, 31 → ``0``."""
    if len(first17) != 17 or any(c not in CHARSET for c in first17):
        raise ValueError(f"expected 17 characters of {CHARSET}, got {first17!r}")
    total = sum(CHARSET.index(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def org_code_check(body8: str) -> str:
    """The 9th character of a 组织机构代码 (GB 11714): ``11 - (Σ mod 11)``, 10 → ``X``, 11 → ``0``."""
    if len(body8) != 8 or not all(c.isdigit() or "A" <= c <= "Z" for c in body8):
        raise ValueError(f"expected 8 digits or capital letters, got {body8!r}")
    total = sum(
        (int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body8, _ORG_WEIGHTS, strict=True)
    )
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def is_valid_credit_code(code: str) -> bool:
    """Whether ``code`` is 18 characters of the charset with a correct 18th check character."""
    return len(code) == 18 and all(c in CHARSET for c in code) and credit_code_check(code[:17]) == code[17]


def make_credit_code(area_code: str, org_body: str, *, department: str = "9", kind: str = "1") -> str:
    """A well-formed code: department (9 = 市场监管/工商) and kind (1 = 企业), the 6-digit area code,
    the 组织机构代码 (``org_body`` plus its GB 11714 check digit), then the GB 32100 check character."""
    if len(area_code) != 6 or not area_code.isdigit():
        raise ValueError(f"the area code is 6 digits, got {area_code!r}")
    org = org_body + org_code_check(org_body)
    if any(c not in CHARSET for c in org):
        raise ValueError(f"the organisation code {org!r} uses characters outside the charset")
    first17 = department + kind + area_code + org
    return first17 + credit_code_check(first17)

"""统一社会信用代码 check digits (GB 32100-2015, with the GB 11714 organisation-code check)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from projlife.domain.credit_code import (
    CHARSET,
    credit_code_check,
    is_valid_credit_code,
    make_credit_code,
    org_code_check,
)

# published codes of real enterprises (Tencent's, and two from public registries and the standard)
REAL = ["9144030071526726XG", "91350100M000100Y43", "91110108551385082Q"]


@pytest.mark.parametrize("code", REAL)
def test_real_codes_have_valid_check_characters(code: str) -> None:
    assert is_valid_credit_code(code)
    assert credit_code_check(code[:17]) == code[17]
    assert org_code_check(code[8:16]) == code[16]


@pytest.mark.parametrize("code", REAL)
def test_changing_any_one_character_breaks_the_check(code: str) -> None:
    for i in range(17):
        for c in CHARSET:
            if c != code[i]:
                assert not is_valid_credit_code(code[:i] + c + code[i + 1 :])


@given(st.text(alphabet="0123456789", min_size=6, max_size=6), st.integers(0, 10**8 - 1))
def test_made_codes_are_valid_and_carry_their_area(area: str, body: int) -> None:
    code = make_credit_code(area, f"{body:08d}")
    assert is_valid_credit_code(code) and code[2:8] == area and code[:2] == "91"


def test_malformed_input_is_refused() -> None:
    assert not is_valid_credit_code("9144030071526726X")  # 17 characters
    assert not is_valid_credit_code("9144030071526726IG")  # I is not in the charset
    with pytest.raises(ValueError):
        credit_code_check("12345")


@pytest.mark.parametrize("slug", ["xiaogan", "jiangyan"])
def test_every_demo_project_has_a_valid_code_registered_in_its_city(slug: str) -> None:
    from projlife.app.commands import ConceiveProject
    from projlife.demo.simulation import simulate
    from projlife.plugins.directory import InstalledCities
    from projlife.plugins.manager import get_plugin_manager

    city = InstalledCities(get_plugin_manager()).city(slug)
    sim = simulate(city, 40, with_investment=False)
    codes = [c.enterprise_code for c in sim.commands if isinstance(c, ConceiveProject)]
    assert len(codes) == 40
    assert all(code is not None and is_valid_credit_code(code) for code in codes)
    assert all(code is not None and code[2:4] == city.code[:2] for code in codes)

"""Mutants: one operator each, all different from the reference, all valid Python."""

from __future__ import annotations

import ast

from curation.gen_tests.mutants import make_mutants
from curation.gen_tests.strength import wrong_programs

REFERENCE = """
def count_below(xs, limit):
    total = 0
    for x in xs:
        if x < limit and x != 0:
            total = total + 1
    return total
"""


def test_each_operator_appears_and_every_mutant_differs() -> None:
    mutants = make_mutants(REFERENCE, 50)
    operators = {op for op, _ in mutants}
    assert {"boundary_flip", "off_by_one_plus", "swap_arithmetic", "swap_and_or", "drop_case"} <= (
        operators
    )
    sources = [src for _, src in mutants]
    assert len(sources) == len(set(sources))
    original = ast.unparse(ast.parse(REFERENCE))
    for source in sources:
        ast.parse(source)
        assert source != original


def test_limit_spreads_over_the_program_and_known_wrong_come_first() -> None:
    assert len(make_mutants(REFERENCE, 3)) == 3
    programs = wrong_programs((REFERENCE,), ["def count_below(xs, limit):\n    return 0\n"], 4)
    assert programs[0].endswith("return 0\n") and len(programs) == 5
    assert REFERENCE not in programs


def test_unparsable_reference_has_no_mutants() -> None:
    assert make_mutants("def broken(:\n", 5) == []

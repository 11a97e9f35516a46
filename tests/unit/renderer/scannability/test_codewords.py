"""The codeword map agrees with segno's own module placement (ISO/IEC 18004 7.7.3)."""

from __future__ import annotations

import numpy as np
import pytest
from segno import consts, encoder

from qrstack_renderer.scannability.codewords import codeword_damage, codeword_map

_LEVELS = {
    "L": consts.ERROR_LEVEL_L,
    "M": consts.ERROR_LEVEL_M,
    "Q": consts.ERROR_LEVEL_Q,
    "H": consts.ERROR_LEVEL_H,
}


@pytest.mark.parametrize(
    ("version", "level"), [(1, "M"), (2, "L"), (5, "Q"), (7, "H"), (12, "M"), (27, "Q"), (40, "H")]
)
def test_every_data_module_holds_the_codeword_segno_puts_there(version: int, level: str) -> None:
    n = 17 + 4 * version
    matrix = encoder.make_matrix(n, n)
    encoder.add_finder_patterns(matrix, n, n)
    encoder.add_alignment_patterns(matrix, n, n)
    total = sum(ec.num_blocks * ec.num_total for ec in consts.ECC[version][_LEVELS[level]])
    marks = [3 + (bit // 8) % 250 for bit in range(total * 8)]
    encoder.add_codewords(matrix, marks, version)
    placed = np.array([list(row) for row in matrix])
    owner, block_of = codeword_map(version, level)  # type: ignore[arg-type]
    data = owner >= 0
    assert data.sum() == total * 8
    assert np.array_equal(placed[data], 3 + owner[data] % 250)
    assert len(block_of) == total


def test_damage_counts_codewords_per_block_against_the_budget() -> None:
    owner, _ = codeword_map(5, "Q")
    nothing = codeword_damage(5, "Q", np.zeros(owner.shape, bool))
    assert nothing.destroyed == 0 and nothing.within_budget
    assert nothing.budget == 4 * 18 // 2  # 5-Q: 4 blocks, 18 EC codewords each
    everything = codeword_damage(5, "Q", np.ones(owner.shape, bool))
    assert everything.destroyed == 134 and not everything.within_budget

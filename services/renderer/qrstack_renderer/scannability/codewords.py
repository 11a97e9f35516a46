"""Which error-correction codewords a cleared centre destroys, against the level's budget.

A QR symbol stores its data and error-correction codewords in interleaved blocks, each
block able to rebuild (ec - p) / 2 wrong codewords (ISO/IEC 18004 table 9; p is the few
misdecode-protection codewords of versions 1–3). A codeword is counted as destroyed when
any of its eight modules lies under the logo, centre text or icon: what a reader sees there
is a picture, not the module. The symbol fails when any block loses more than it can rebuild.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import product
from typing import Any, cast

import numpy as np
from numpy.typing import NDArray
from segno import consts

from qrstack_common.render.spec import ErrorCorrection

_LEVEL = {
    "L": consts.ERROR_LEVEL_L,
    "M": consts.ERROR_LEVEL_M,
    "Q": consts.ERROR_LEVEL_Q,
    "H": consts.ERROR_LEVEL_H,
}
_MISDECODE = {(1, "L"): 3, (1, "M"): 2, (1, "Q"): 1, (1, "H"): 1, (2, "L"): 2, (3, "L"): 1}
"""Codewords of versions 1–3 kept back from correction to guard against misdecodes."""
_ECC = cast(dict[int, dict[int, tuple[Any, ...]]], consts.ECC)
_ALIGNMENT = cast(tuple[tuple[int, ...], ...], consts.ALIGNMENT_POS)


@dataclass(frozen=True)
class BlockDamage:
    destroyed: int
    correctable: int


@dataclass(frozen=True)
class CodewordDamage:
    """Destroyed codewords over the whole symbol and per block."""

    destroyed: int
    budget: int
    blocks: tuple[BlockDamage, ...]

    @property
    def worst_share(self) -> float:
        """The largest share of a block's budget used up (above 1 means it cannot decode)."""
        return max(
            (b.destroyed / b.correctable if b.correctable else float(b.destroyed > 0) * 9.0)
            for b in self.blocks
        )

    @property
    def within_budget(self) -> bool:
        return all(b.destroyed <= b.correctable for b in self.blocks)


def _function_modules(version: int) -> NDArray[np.bool_]:
    """True on finder, separator, timing, alignment, format and version modules."""
    n = 17 + 4 * version
    fixed = np.zeros((n, n), bool)
    for y0, x0 in ((0, 0), (0, n - 8), (n - 8, 0)):
        fixed[y0 : y0 + 8, x0 : x0 + 8] = True
    fixed[6, :] = True
    fixed[:, 6] = True
    fixed[8, :9] = fixed[:9, 8] = True
    fixed[8, n - 8 :] = fixed[n - 8 :, 8] = True  # includes the dark module at (n-8, 8)
    if version >= 7:
        fixed[:6, n - 11 : n - 8] = fixed[n - 11 : n - 8, :6] = True
    if version >= 2:
        positions = _ALIGNMENT[version - 2]
        lo, hi = positions[0], positions[-1]
        for y, x in product(positions, repeat=2):
            if (y, x) in ((lo, lo), (lo, hi), (hi, lo)):
                continue
            fixed[y - 2 : y + 3, x - 2 : x + 3] = True
    return fixed


@lru_cache(maxsize=160)
def codeword_map(
    version: int, level: ErrorCorrection
) -> tuple[NDArray[np.int32], NDArray[np.int32]]:
    """(`owner`, `block_of`): `owner[y, x]` is the interleaved codeword index a module holds
    (-1 for function modules and remainder bits); `block_of[i]` is codeword i's block."""
    n = 17 + 4 * version
    fixed = _function_modules(version)
    blocks = [ec for ec in _ECC[version][_LEVEL[level]] for _ in range(ec.num_blocks)]
    order: list[int] = []
    for i in range(max(b.num_data for b in blocks)):
        order.extend(k for k, b in enumerate(blocks) if i < b.num_data)
    for i in range(max(b.num_total - b.num_data for b in blocks)):
        order.extend(k for k, b in enumerate(blocks) if i < b.num_total - b.num_data)
    owner = np.full((n, n), -1, np.int32)
    bit = 0
    total_bits = len(order) * 8
    for pair, right in enumerate(range(n - 1, 0, -2)):
        if right <= 6:
            right -= 1  # the vertical timing column is skipped
        upwards = pair % 2 == 0
        for step in range(n):
            y = n - 1 - step if upwards else step
            for x in (right, right - 1):
                if not fixed[y, x]:
                    if bit < total_bits:
                        owner[y, x] = bit // 8
                    bit += 1
    return owner, np.asarray(order, np.int32)


def codeword_damage(
    version: int, level: ErrorCorrection, covered: NDArray[np.bool_]
) -> CodewordDamage:
    """The damage a cleared area (`covered[y, x]`, symbol coordinates) does at this level."""
    owner, block_of = codeword_map(version, level)
    hit = np.unique(owner[covered & (owner >= 0)])
    per_block = np.bincount(block_of[hit], minlength=int(block_of.max()) + 1)
    spec = [ec for ec in _ECC[version][_LEVEL[level]] for _ in range(ec.num_blocks)]
    p = _MISDECODE.get((version, level), 0)
    blocks = tuple(
        BlockDamage(int(per_block[k]), (ec.num_total - ec.num_data - p) // 2)
        for k, ec in enumerate(spec)
    )
    return CodewordDamage(int(hit.size), sum(b.correctable for b in blocks), blocks)

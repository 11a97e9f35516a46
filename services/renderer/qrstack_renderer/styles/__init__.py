"""The parts of a style: patterns, eyes, paints, centre elements, frames."""

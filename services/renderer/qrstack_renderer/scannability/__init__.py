"""The scannability score: decode a design under a ladder of degradations, grade A–F."""

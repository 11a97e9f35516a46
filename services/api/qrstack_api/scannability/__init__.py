"""`POST /v1/scannability`: the renderer's score of a design or of a saved code."""

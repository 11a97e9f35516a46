"""The render contract: what the API stores and sends and what the renderer draws.

- `spec`: `RenderSpec` and its `Style`, their limits and the error-correction levels.
- `contrast`: the scannability guard's colour check (dark modules on a light ground, 4:1).
- `logos`: the shape of a logo `data:` URI (media type, encoding, size).
- `score`: the scannability scorer's answer (`ScoreResult`) and its grade scale.

These are the guard's checks that need no image library, so any part may run them. The checks
that need the encoded symbol, the logo's pixels or the font (centre element vs error
correction, module size, text the font can draw) live in the renderer
(`qrstack_renderer.guard`) and are reached over HTTP: `POST /v1/render` answers 400
`validation_failed` with one issue per `style.*` field for a design that would not scan.
"""

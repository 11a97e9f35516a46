"""Output formats: raster (PNG, JPEG, WebP), SVG and PDF."""

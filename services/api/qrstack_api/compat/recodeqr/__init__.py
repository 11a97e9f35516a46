"""RecodeQR (seed 002): QR code management at `/api/qr-codes` and generation at
`/api/generate`, onto the one code model."""

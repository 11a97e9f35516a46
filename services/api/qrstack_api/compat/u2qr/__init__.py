"""U2QR (seed 003): QR codes at `/api/v1/qrcodes`, onto the one code model."""

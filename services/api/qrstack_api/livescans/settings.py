"""Settings of the live scan streams."""

from __future__ import annotations

from pydantic import AliasChoices, Field

from qrstack_common.settings import ServiceSettings


class LiveScanSettings(ServiceSettings):
    scan_streams_per_key: int = Field(
        5,
        ge=1,
        validation_alias=AliasChoices("API_SCAN_STREAMS_PER_KEY", "scan_streams_per_key"),
        description="Open scan streams one API key (or signed-in user) may hold, per replica.",
    )
    scan_stream_heartbeat_s: float = Field(
        15.0,
        gt=0,
        validation_alias=AliasChoices("API_SCAN_STREAM_HEARTBEAT", "scan_stream_heartbeat_s"),
        description="Seconds between heartbeat comments on an idle scan stream.",
    )
    scan_stream_buffer: int = Field(
        2000,
        ge=10,
        validation_alias=AliasChoices("API_SCAN_STREAM_BUFFER", "scan_stream_buffer"),
        description="Recent scans kept per partition for Last-Event-ID resumes.",
    )

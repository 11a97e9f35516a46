"""Settings shared by every service. Each service subclasses `ServiceSettings` once.

All values come from environment variables (names given in each field's alias); the
defaults are the embedded single-machine defaults that `make run` uses.
"""

from __future__ import annotations

from typing import Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    """Fields every service reads. Subclasses add their own with a service prefix."""

    model_config = SettingsConfigDict(
        env_file=None, extra="ignore", populate_by_name=True, frozen=True
    )

    kafka_bootstrap_servers: str = Field(
        "127.0.0.1:9092",
        validation_alias=AliasChoices("KAFKA_BOOTSTRAP_SERVERS", "kafka_bootstrap_servers"),
        description="Comma-separated Kafka bootstrap servers.",
    )
    topic_partitions: int = Field(
        3,
        ge=1,
        validation_alias=AliasChoices("KAFKA_TOPIC_PARTITIONS", "topic_partitions"),
        description="Partitions for topics this service creates if they are missing.",
    )
    log_level: str = Field("INFO", validation_alias=AliasChoices("LOG_LEVEL", "log_level"))
    log_format: Literal["json", "text"] = Field(
        "json", validation_alias=AliasChoices("LOG_FORMAT", "log_format")
    )

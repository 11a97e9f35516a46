"""Settings shared by every service. Each service subclasses `ServiceSettings` once.

All values come from environment variables; the defaults are the embedded single-machine
defaults that `make run` uses. A field is declared with `setting(ENV, default, ...)`: it is read
from the environment variable `ENV` (then from any `also` names, then from one named like the
field), and in code it is set by the field's name.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AliasChoices, Field
from pydantic_core import PydanticUndefined
from pydantic_settings import BaseSettings, SettingsConfigDict


def setting(
    env: str, default: Any = PydanticUndefined, *, also: tuple[str, ...] = (), **field: Any
) -> Any:
    """A settings field read from the environment variable `env` (or `also`, in order);
    `field` takes `Field`'s other arguments (bounds, `description`, `default_factory`).
    `ServiceSettings` adds the field's own name as the last choice."""
    return Field(default, validation_alias=AliasChoices(env, *also), **field)


class ServiceSettings(BaseSettings):
    """Fields every service reads. Subclasses add their own with a service prefix."""

    model_config = SettingsConfigDict(
        env_file=None, extra="ignore", populate_by_name=True, frozen=True
    )

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        _answer_to_field_names(cls)

    kafka_bootstrap_servers: str = setting(
        "KAFKA_BOOTSTRAP_SERVERS",
        "127.0.0.1:9092",
        description="Comma-separated Kafka bootstrap servers.",
    )
    topic_partitions: int = setting(
        "KAFKA_TOPIC_PARTITIONS",
        3,
        ge=1,
        description="Partitions for topics this service creates if they are missing.",
    )
    log_level: str = setting("LOG_LEVEL", "INFO")
    log_format: Literal["json", "text"] = setting("LOG_FORMAT", "json")


def _answer_to_field_names(settings: type[BaseSettings]) -> None:
    """Every field declared with `setting` also answers to its own name (as an environment
    variable too), as `AliasChoices(ENV, name)` written out at each field would."""
    named = False
    for name, info in settings.model_fields.items():
        alias = info.validation_alias
        if isinstance(alias, AliasChoices) and name not in alias.choices:
            info.validation_alias = AliasChoices(*alias.choices, name)
            named = True
    if named:
        settings.model_rebuild(force=True)


_answer_to_field_names(ServiceSettings)

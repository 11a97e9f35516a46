"""Typed keys of what the API app holds (no string-keyed state)."""

from __future__ import annotations

import asyncpg
from aiohttp import web
from argon2 import PasswordHasher

from qrstack_api.settings import ApiSettings

POOL = web.AppKey("pool", asyncpg.Pool)
SETTINGS = web.AppKey("settings", ApiSettings)
HASHER = web.AppKey("password_hasher", PasswordHasher)

"""Turning a presented credential into the principal a request acts as.

- An API key acts on its own workspace with its own scopes. 401 when unknown, revoked, expired
  or of the wrong kind for its workspace (`qr_test_` keys act only on test workspaces, `qr_live_`
  only on live ones); 403 `ip_not_allowed` from outside its IP allowlist; 403 `account_locked`
  when the user who issued it is locked. An account-wide key (`accountWide: true`, issued by a
  user) acts on any workspace of that user named by `?workspaceId=`, with its scopes within
  the user's role there; a workspace-bound key naming another workspace is 403 `forbidden`.
- A user (Basic email:password, or the `sessionid` cookie a Basic sign-in handed out) acts on
  the workspace named by `?workspaceId=`, or on their default workspace (their oldest
  membership), with the scopes of their role there. 404 when they are not a member of the named
  workspace (as for any other workspace's resource); 403 `account_locked` when locked (told
  only to someone who knows the password).
- Failed Basic sign-ins are counted per email and per client address; past either limit,
  sign-ins are refused with 429 before the password is even checked. The same 401 answers an
  unknown email and a wrong password, after the same Argon2 work.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from uuid import UUID

from qrstack_api.accounts.api_keys import KeyForAuth
from qrstack_api.accounts.client_address import IPAddress, is_within
from qrstack_api.accounts.credentials import PasswordCredential, unauthorized
from qrstack_api.accounts.key_cache import KeyCache
from qrstack_api.accounts.passwords import PasswordVerifier
from qrstack_api.accounts.principal import (
    EVERY_SCOPE,
    ROLE_SCOPES,
    AuthMethod,
    Principal,
    role_name,
)
from qrstack_api.accounts.secrets import TEST_PREFIX, looks_like_api_key
from qrstack_api.accounts.sessions import NewSession, open_session, session_user
from qrstack_api.accounts.settings import AccountSettings
from qrstack_api.accounts.users import (
    Executor,
    membership,
    replace_password_hash,
    user_by_email,
)
from qrstack_api.ratelimit.limiter import RateLimiter
from qrstack_api.ratelimit.policy import address_subject
from qrstack_common.errors import ApiError, Issue, validation_failed
from qrstack_common.ids import parse_id

ACCOUNT_LOCKED = "Account is locked."


@dataclass(frozen=True, slots=True)
class Caller:
    principal: Principal
    new_session: NewSession | None = None  # a Basic sign-in hands out a session cookie


def requested_workspace(query: Mapping[str, str]) -> UUID | None:
    """`?workspaceId=`; 400 naming the parameter when it is not a workspace id."""
    raw = query.get("workspaceId")
    if raw is None or raw == "":
        return None
    parsed = parse_id("workspace", raw)
    if parsed is None:
        raise validation_failed(
            [Issue(("workspaceId",), "must be a workspace id (ws_ and 32 hex digits)")]
        )
    return parsed


async def key_caller(
    db: Executor,
    keys: KeyCache,
    secret: str,
    address: IPAddress | None,
    workspace_id: UUID | None,
) -> Caller:
    """The caller an API key makes (its lookup at most `keys`' TTL old: `key_cache`)."""
    if not looks_like_api_key(secret):
        raise unauthorized("Invalid API key.")
    key = await keys.key(db, secret)
    if key is None:
        raise unauthorized("Invalid API key.")
    if key.revoked:
        raise unauthorized("This API key was revoked.")
    if key.expired:
        raise unauthorized("This API key has expired.")
    if key.is_test != secret.startswith(TEST_PREFIX):
        raise unauthorized("qr_test_ keys act only on test workspaces, qr_live_ keys on live ones.")
    if key.ip_allowlist and (address is None or not is_within(address, key.ip_allowlist)):
        raise ApiError(
            "ip_not_allowed",
            f"Request IP Not Whitelisted: {address} is not in this API key's IP allowlist.",
        )
    if key.issuer_locked:
        raise ApiError("account_locked", f"{ACCOUNT_LOCKED} The user who issued this key is.")
    if workspace_id is not None and workspace_id != key.workspace_id:
        return Caller(await _account_wide_principal(db, key, workspace_id))
    scopes = key.scopes
    if key.created_by is not None:
        # A key issued by a user holds no more than the user's role there now: a member who
        # was removed takes their keys along, one made a viewer keeps read-only keys.
        if key.issuer_role is None:
            raise unauthorized(
                "The user who issued this API key is no longer a member of its workspace."
            )
        scopes = _within_role(key.scopes, key.issuer_role)
    principal = Principal(
        workspace_id=key.workspace_id,
        plan=key.plan,
        key_id=key.id,
        user_id=None,
        scopes=scopes,
        is_test=key.is_test,
        issuer_id=key.created_by,
    )
    return Caller(principal)


def _within_role(scopes: frozenset[str], role: str) -> frozenset[str]:
    """A key's scopes within what its issuer's role holds (`*` stands for all of those)."""
    role_scopes = ROLE_SCOPES[role_name(role)]
    return role_scopes if EVERY_SCOPE in scopes else frozenset(scopes & role_scopes)


async def _account_wide_principal(db: Executor, key: KeyForAuth, workspace_id: UUID) -> Principal:
    """An account-wide key acting on another workspace of its issuer: the key's scopes within
    the issuer's role there; 403 for a workspace-bound key or a workspace the issuer is not a
    member of (or of the other mode: qr_test_ keys act on test workspaces only)."""
    found = None
    if key.account_wide and key.created_by is not None:
        found = await membership(db, key.created_by, workspace_id)
    if found is None or found.is_test != key.is_test:
        raise ApiError(
            "forbidden",
            "This API key cannot act on that workspace: a workspace-bound key acts on its own "
            "workspace only; an account-wide key (accountWide: true) on the workspaces of the "
            "user who issued it, of its own mode (test or live).",
        )
    scopes = _within_role(key.scopes, found.role)
    return Principal(
        workspace_id=found.workspace_id,
        plan=found.plan,
        key_id=key.id,
        user_id=None,
        scopes=frozenset(scopes),
        is_test=found.is_test,
        issuer_id=key.created_by,
    )


async def user_principal(
    db: Executor, user_id: UUID, workspace_id: UUID | None, method: AuthMethod
) -> Principal:
    found = await membership(db, user_id, workspace_id)
    if found is None:
        if workspace_id is not None:
            raise ApiError("not_found", "Workspace not found.")
        raise ApiError("forbidden", "This account belongs to no workspace.")
    return Principal(
        workspace_id=found.workspace_id,
        plan=found.plan,
        key_id=None,
        user_id=user_id,
        scopes=ROLE_SCOPES[found.role],
        is_test=found.is_test,
        role=found.role,
        method=method,
    )


async def session_caller(db: Executor, token: str, workspace_id: UUID | None) -> Caller:
    user = await session_user(db, token)
    if user is None:
        raise unauthorized("The session has expired or is unknown; sign in again with Basic auth.")
    if user.locked_at is not None:
        raise ApiError("account_locked", ACCOUNT_LOCKED)
    return Caller(await user_principal(db, user.user_id, workspace_id, "session"))


class SignIn:
    """Basic sign-ins: password checks guarded by failure limits, then a new session."""

    def __init__(
        self, settings: AccountSettings, passwords: PasswordVerifier, limiter: RateLimiter
    ) -> None:
        self._settings = settings
        self._passwords = passwords
        self._limiter = limiter

    def _buckets(self, email: str, address: IPAddress | None) -> list[tuple[str, int]]:
        window = self._settings.login_failure_window_s
        by_email = hashlib.sha256(email.lower().encode()).hexdigest()[:32]
        return [
            (f"signin-email:{window}:{by_email}", self._settings.login_failures_per_email),
            (f"signin:{window}:{address_subject(address)}", self._settings.login_failures_per_ip),
        ]

    async def __call__(
        self,
        db: Executor,
        credential: PasswordCredential,
        address: IPAddress | None,
        workspace_id: UUID | None,
    ) -> Caller:
        window = self._settings.login_failure_window_s
        buckets = self._buckets(credential.email, address)
        # Every attempt is counted as a failure before the password is verified (and given
        # back if it was right): sign-ins sent at once cannot all pass while the first are
        # being verified, as they could if only failures were counted, afterwards.
        for bucket, limit in buckets:
            verdict = await self._limiter.hit(bucket, limit, window)
            if not verdict.allowed:
                raise verdict.refusal(f"Too many failed sign-ins; retry in {verdict.reset_s} s.")
        user = await user_by_email(db, credential.email)
        stored = user.password_hash if user is not None else None
        # Verified even for an unknown email (against a dummy hash): the same work either way.
        matches = await self._passwords.verify(stored, credential.password)
        if user is None or not matches:
            raise unauthorized("Invalid email or password.")
        for bucket, limit in buckets:
            await self._limiter.hit(bucket, limit, window, amount=-1)
        if user.locked_at is not None:
            raise ApiError("account_locked", ACCOUNT_LOCKED)
        if self._passwords.needs_rehash(user.password_hash):
            fresh = await self._passwords.hash(credential.password)
            await replace_password_hash(db, user.id, user.password_hash, fresh)
        principal = await user_principal(db, user.id, workspace_id, "basic")
        session = await open_session(db, user.id, self._settings.session_max_age_s)
        return Caller(principal, session)

"""What every signed-in console page shares: the user, the chosen workspace, the form token,
and how an API refusal becomes a page.

The workspace a page acts on is the one chosen in the header's switcher (the `console_workspace`
cookie, sent to /v1 as `?workspaceId=`; `client.call` adds it), else the user's default one. A
chosen workspace the user no longer belongs to is forgotten and the page shown on the default.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from aiohttp import web

from qrstack_api.console import csrf
from qrstack_api.console.client import WORKSPACE_COOKIE, ApiAnswer, call, session_token
from qrstack_api.console.pages import page, see_other


class SignedOut(Exception):
    """The session is missing or expired: the browser goes to the sign-in page."""


class Refused(Exception):
    """The API refused what the page needs (a scope the role lacks, a bad request): the
    page says so in the API's own words, with its status."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


class StaleWorkspace(Exception):
    """The chosen workspace is not (or no longer) one of the user's."""


def need(answer: ApiAnswer) -> Any:
    """The answer's body, or the page's way out: sign-in, 404, or the refusal."""
    if answer.status == 401:
        raise SignedOut
    if answer.status == 404:
        raise web.HTTPNotFound(text="Not found", content_type="text/plain")
    if not answer.ok:
        raise Refused(answer.status, answer.detail or f"The API answered {answer.status}.")
    return answer.body


def form_refused(answer: ApiAnswer, *to_page: int) -> bool:
    """After a form's /v1 call: False when the API took it, True when it refused it with
    something to show by the form (`form_issues`). A 401 signs out, and a status in `to_page`
    (403, 404) leaves for `need`'s page instead of the form."""
    if answer.status == 401 or answer.status in to_page:
        need(answer)
    return not answer.ok


def form_issues(answer: ApiAnswer, prefix: str) -> dict[str, str]:
    """A refused form post's issues as `{prefix}.{field}` (the API's path) for showing by the
    field; a refusal without issues (a 409, a 403) as `{prefix}.form`."""
    found = answer.issues_by_field()
    if not found:
        return {f"{prefix}.form": answer.detail or f"The API answered {answer.status}."}
    return {f"{prefix}.{path or 'form'}": reason for path, reason in found.items()}


def read_only(shell: dict[str, Any], what: str) -> str:
    """Why this role sees no control for `what`."""
    role = shell["me"]["workspace"].get("role") or "key"
    return f"Your role in this workspace ({role}) cannot {what}."


def items(listed: Any) -> list[Any]:
    """A list answer's entries, whether it is `data`-paged or a bare array."""
    if isinstance(listed, dict):
        return list(listed.get("data") or listed.get("items") or [])
    return list(listed or [])


def signin_redirect(request: web.Request) -> web.Response:
    return see_other(f"/console/login?next={quote(request.path_qs, safe='')}")


def holds(me: dict[str, Any], scope: str) -> bool:
    scopes = me.get("scopes") or ()
    return "*" in scopes or scope in scopes


async def context_of(request: web.Request) -> dict[str, Any]:
    """Who is signed in, the workspace acted on and the others they may switch to, what they
    may change, and the form token."""
    me_answer = await call(request, "GET", "/v1/me")
    if me_answer.status == 404 and request.cookies.get(WORKSPACE_COOKIE):
        raise StaleWorkspace
    me = need(me_answer)
    workspaces = items(need(await call(request, "GET", "/v1/workspaces")))
    token = session_token(request) or ""
    return {
        "me": me,
        "workspaces": workspaces,
        "wsq": f"workspaceId={quote(str(me['workspace']['id']), safe='')}",
        "can": {
            "write_codes": holds(me, "codes:write"),
            "write_folders": holds(me, "folders:write"),
            "write_rules": holds(me, "rules:write"),
            "read_domains": holds(me, "domains:read"),
            "write_domains": holds(me, "domains:write"),
            "read_billing": holds(me, "billing:read"),
            "read_keys": holds(me, "keys:read"),
            "manage_members": holds(me, "members:write"),
        },
        "csrf": csrf.session_csrf(token),
        "path": request.path,
    }


def form_token(request: web.Request, form: Any) -> None:
    csrf.check(form.get(csrf.FIELD), csrf.session_csrf(session_token(request) or ""))


async def posted(request: web.Request) -> Any:
    """The posted form, once its CSRF token is checked (403 otherwise)."""
    form = await request.post()
    form_token(request, form)
    return form


def done(path: str, notice: str) -> web.Response:
    """After a change: back to `path`, which says `notice`."""
    return see_other(f"{path}?" + urlencode({"notice": notice}))


def confirmation(
    request: web.Request, shell: dict[str, Any], may: str, what: str, template: str, **subject: Any
) -> web.Response:
    """A page for roles holding `may` only (the ask-before-delete page, an edit form), else the
    403 page saying why."""
    if not shell["can"][may]:
        raise Refused(403, read_only(shell, what))
    return page(request, template, **shell, **subject)


def signed_in(handler: Any) -> Any:
    async def wrapped(request: web.Request) -> web.StreamResponse:
        if not session_token(request):
            return signin_redirect(request)
        try:
            return await handler(request)  # type: ignore[no-any-return]
        except SignedOut:
            return signin_redirect(request)
        except StaleWorkspace:
            response = see_other(request.path_qs if request.method == "GET" else "/console/codes")
            response.del_cookie(WORKSPACE_COOKIE, path="/console/")
            return response
        except Refused as refused:
            return page(
                request, "error.html", status=refused.status, me=None, path=request.path,
                detail=refused.detail, error_status=refused.status,
            )  # fmt: skip

    wrapped.__name__ = handler.__name__
    wrapped.__doc__ = handler.__doc__
    return wrapped

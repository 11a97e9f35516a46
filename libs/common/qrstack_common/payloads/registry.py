"""The registry of code types: what each type is called, how it is validated, whether it can
be static, dynamic or a hosted page, and how it is encoded.

`validate_payload` is the gate every caller uses (API, compatibility layers, redirect
service): it resolves the type name (aliases, any case, `_` or `-`), validates the fields and
the rules between them, and raises one 400 `validation_failed` listing every failing field.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Generic, TypeVar

from pydantic import AliasChoices, ValidationError

from qrstack_common.errors import Issue, issues_from_pydantic, validation_failed
from qrstack_common.payloads import (
    contacts,
    crypto,
    epc,
    event,
    location,
    media,
    messaging,
    pages,
    text,
    web,
    wifi,
)
from qrstack_common.payloads.model import Payload

P = TypeVar("P", bound=Payload)

# The most a QR code holds in byte mode (version 40, error correction L).
QR_MAX_OCTETS = 2953


@dataclass(frozen=True)
class PayloadType(Generic[P]):
    """One code type.

    - `encoder`: the string a static code carries; None when the type cannot be static.
    - `redirect`: where a dynamic code sends a scanner (given the scanner's OS, as the
      user-agent parser names it); None when the type cannot redirect.
    - `hosted_page`: the redirect service renders the page from the payload; always dynamic.
    - `payload_keys`: the keys a TurtleQR-style body nests the payload under (`card` for a
      vcard); empty for `url`, whose `targetUrl` sits on the code itself.
    - `error_correction`: the level the format's standard requires, if any (EPC: M).
    """

    name: str
    aliases: tuple[str, ...]
    model: type[P]
    encoder: Callable[[P], str] | None = None
    redirect: Callable[[P, str | None], str] | None = None
    hosted_page: bool = False
    payload_keys: tuple[str, ...] = ()
    error_correction: str | None = None

    @property
    def can_be_static(self) -> bool:
        return self.encoder is not None

    @property
    def can_be_dynamic(self) -> bool:
        return self.hosted_page or self.redirect is not None

    @property
    def default_dynamic(self) -> bool:
        """What a code of this type is when the request does not say: TurtleQR's "Direct"
        types (content in the image: text, wifi, whatsapp, social, ...) are static; `url`,
        `app` and the hosted pages are dynamic."""
        return self.name == "url" or not self.can_be_static


def _direct(
    name: str,
    model: type[P],
    encoder: Callable[[P], str],
    *aliases: str,
    key: str | None = None,
    **rest: Any,
) -> PayloadType[P]:
    return PayloadType(name, aliases, model, encoder, payload_keys=(key or name,), **rest)


def _page(name: str, model: type[P], key: str, *aliases: str) -> PayloadType[P]:
    spellings = tuple(dict.fromkeys(a for a in (key, *aliases) if a != name))
    return PayloadType(name, spellings, model, hosted_page=True, payload_keys=(key,))


_TYPES: tuple[PayloadType[Any], ...] = (
    PayloadType(
        "url",
        ("link", "website", "web"),
        web.UrlPayload,
        web.encode_url,
        web.redirect_url,
    ),
    _direct("text", text.TextPayload, text.encode_text, "plain-text"),
    _direct("email", messaging.EmailPayload, messaging.encode_email, "e-mail", "mailto"),
    _direct("phone", messaging.PhonePayload, messaging.encode_phone, "tel", "call"),
    _direct("sms", messaging.SmsPayload, messaging.encode_sms, "smsto"),
    _direct(
        "whatsapp",
        messaging.WhatsAppPayload,
        messaging.encode_whatsapp,
        "wa",
        redirect=messaging.redirect_whatsapp,
    ),
    _direct("wifi", wifi.WifiPayload, wifi.encode_wifi, "wi-fi", "wlan"),
    _direct("vcard", contacts.VCardPayload, contacts.encode_vcard, "contact", "vcf", key="card"),
    _direct("mecard", contacts.MeCardPayload, contacts.encode_mecard),
    PayloadType(
        "event",
        ("vevent", "ical", "icalendar"),
        event.EventPayload,
        event.encode_event,
        payload_keys=("event",),
    ),
    _direct("calendar", event.CalendarPayload, event.encode_event),
    _direct("location", location.LocationPayload, location.encode_location, "geo", "map"),
    _direct("crypto", crypto.CryptoPayload, crypto.encode_crypto, "cryptocurrency"),
    _direct(
        "social", web.SocialPayload, web.profile_url, "social-media", redirect=web.redirect_social
    ),
    _direct(
        "epc",
        epc.EpcPayload,
        epc.encode_epc,
        "sepa",
        "girocode",
        "sepa-transfer",
        error_correction=epc.ERROR_CORRECTION,
    ),
    PayloadType(
        "app", ("app-store",), web.AppPayload, redirect=web.redirect_app, payload_keys=("app",)
    ),
    _page("list-of-links", pages.ListOfLinksPage, "listOfLinks", "links", "link-list"),
    _page("business-page", pages.BusinessPage, "businessPage", "business"),
    _page("coupon", pages.CouponPage, "coupon"),
    _page("menu", pages.MenuPage, "menu"),
    _page("form", pages.FormPage, "form"),
    _page("app-download", media.AppDownloadPage, "appDownload"),
    _page("video", media.VideoPage, "video"),
    _page("pdf", media.PdfPage, "pdf"),
    _page("image-carousel", media.ImageCarouselPage, "imageCarousel", "carousel", "images"),
)

PAYLOAD_TYPES: Mapping[str, PayloadType[Any]] = MappingProxyType({t.name: t for t in _TYPES})


def _spelling(name: str) -> str:
    return name.strip().lower().replace("_", "-")


_BY_SPELLING: Mapping[str, PayloadType[Any]] = MappingProxyType(
    {_spelling(n): t for t in _TYPES for n in (t.name, *t.aliases)}
)
_BY_MODEL: Mapping[type[Payload], PayloadType[Any]] = MappingProxyType({t.model: t for t in _TYPES})


def find_type(type_name: str) -> PayloadType[Any] | None:
    """The type a name denotes (canonical name or alias, any case, `_` for `-`), or None."""
    return _BY_SPELLING.get(_spelling(type_name))


def resolve_type(type_name: object, *, type_field: str = "type") -> PayloadType[Any]:
    """The type a name denotes; 400 naming `type_field` and listing the valid types if
    there is none."""
    found = find_type(type_name) if isinstance(type_name, str) else None
    if found is None:
        valid = ", ".join(PAYLOAD_TYPES)
        raise validation_failed(
            [Issue((type_field,), f"unknown type {type_name!r}; valid: {valid}")]
        )
    return found


def payload_type_of(payload: Payload) -> PayloadType[Any]:
    return _BY_MODEL[type(payload)]


def _client_spelling(
    model: type[Payload], data: Mapping[str, object], name: str | int
) -> str | int:
    """The key the client used for a field (an alias or the canonical name)."""
    field = model.model_fields.get(name) if isinstance(name, str) else None
    if field is None:
        return name
    choices = field.validation_alias
    keys = (
        [c for c in choices.choices if isinstance(c, str)]
        if isinstance(choices, AliasChoices)
        else []
    )
    return next((k for k in keys if k in data), field.serialization_alias or name)


def _as_sent(data: Mapping[str, object], path: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """Report a problem with one value sent where a list is kept (RecodeQR's `phone` for
    `phones`) on that value's key, not on the list item it became."""
    if len(path) > 1 and path[1] == 0 and not isinstance(data.get(str(path[0])), list):
        return path[:1]
    return path


def validate_payload(
    type_name: str,
    data: Mapping[str, object],
    *,
    at: Sequence[str | int] = (),
    type_field: str = "type",
) -> Payload:
    """Validate the fields of a code of type `type_name` (an alias is fine).

    Raises ApiError 400 `validation_failed` whose issues list every failing field, with the
    path under `at` (the caller's place for the payload, e.g. `("data",)`); an unknown type
    is reported on `type_field` with the list of valid types.
    """
    kind = resolve_type(type_name, type_field=type_field)
    prefix = tuple(at)
    if not isinstance(data, Mapping):
        raise validation_failed([Issue(prefix, "must be an object")])
    try:
        payload: Payload = kind.model.model_validate(data)
    except ValidationError as exc:
        issues = issues_from_pydantic(exc.errors(), kind.model)
        raise validation_failed(
            [Issue(prefix + _as_sent(data, i.path), i.reason) for i in issues]
        ) from exc
    problems = payload.cross_field_issues()
    if problems:
        raise validation_failed(
            [
                Issue(
                    (*prefix, _client_spelling(kind.model, data, p.path[0]), *p.path[1:]), p.reason
                )
                if p.path
                else Issue(prefix, p.reason)
                for p in problems
            ]
        )
    return payload


def encode_payload(payload: Payload) -> str:
    """The exact text a static QR code of this payload carries.

    Raises ApiError 400 (on `dynamic`) for types that are never static (hosted pages and
    app codes: their QR code carries the short URL), and 400 when the text is longer than
    any QR code holds.
    """
    kind = payload_type_of(payload)
    if kind.encoder is None:
        why = "is a hosted page" if kind.hosted_page else "picks the store by the scanner's phone"
        reason = (
            f"a {kind.name} code {why}, so it is always dynamic (its QR code carries the short URL)"
        )
        raise validation_failed([Issue(("dynamic",), reason)])
    encoded: str = kind.encoder(payload)
    octets = len(encoded.encode("utf-8"))
    if octets > QR_MAX_OCTETS:
        raise validation_failed(
            [
                Issue(
                    (),
                    f"the {kind.name} content is {octets} bytes; a QR code holds at most "
                    f"{QR_MAX_OCTETS}",
                )
            ]
        )
    return encoded


def redirect_target(payload: Payload, os: str | None = None) -> str | None:
    """Where a dynamic code of this payload sends a scanner whose OS is `os` (as the
    user-agent parser names it: "iOS", "Android", ...). None for hosted pages, which the
    redirect service renders instead. Raises ApiError 400 (on `dynamic`) for types that
    cannot be dynamic (Wi-Fi, contacts, events...: a phone acts on them only when the QR
    code itself carries them)."""
    kind = payload_type_of(payload)
    if kind.hosted_page:
        return None
    if kind.redirect is None:
        raise validation_failed(
            [
                Issue(
                    ("dynamic",),
                    f"a {kind.name} code cannot be dynamic: phones act on its "
                    "content only when the QR code itself carries it",
                )
            ]
        )
    return kind.redirect(payload, os)

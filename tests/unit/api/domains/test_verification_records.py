"""What a domain's verification states: the TXT record's name and value, the kind of record
that points the host at the redirect tier, and how DOMAIN_VERIFY_NAMESERVERS is read."""

from __future__ import annotations

from qrstack_api.domains.verification import nameservers_of, target_record, txt_name, txt_value


def test_the_txt_record_is_named_under_the_host() -> None:
    assert txt_name("qr.example.com") == "_qrstack-verify.qr.example.com"
    assert txt_value("ab12") == "qrstack-verify=ab12"


def test_an_address_target_is_an_a_or_aaaa_record_a_name_a_cname() -> None:
    assert target_record("203.0.113.7") == "A"
    assert target_record("2001:db8::1") == "AAAA"
    assert target_record("redirect.qrstack.example") == "CNAME"


def test_nameservers_take_an_optional_port() -> None:
    servers = nameservers_of("127.0.0.1:5353, 192.0.2.1,[2001:db8::1]:5300, ::1")
    assert [(s.address, s.port) for s in servers] == [
        ("127.0.0.1", 5353), ("192.0.2.1", 53), ("2001:db8::1", 5300), ("::1", 53)
    ]  # fmt: skip
    assert nameservers_of("") == []

"""A Python client generated from /v1/openapi.json (openapi-python-client) creates, reads,
updates and deletes one code of every type: the document is complete enough to build a client
from, and the API answers as the document says (the client parses every answer)."""

from __future__ import annotations

import asyncio
import importlib
import json
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from qrstack_api.openapi.code_body import variant_name
from qrstack_api.openapi.examples import CODE_EXAMPLES
from qrstack_common.payloads import PAYLOAD_TYPES
from qrstack_launcher.stack import Infrastructure
from support.accounts import new_workspace

pytestmark = pytest.mark.infra

Client = TestClient[Any, Any]
PACKAGE = "qrstack_generated_client"


@pytest.fixture(scope="module")
async def package(api: Client, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Any]:
    """The client generated from the document the running API serves, imported."""
    root = tmp_path_factory.mktemp("client")
    response = await api.get("/v1/openapi.json")
    (root / "openapi.json").write_text(json.dumps(await response.json()))
    (root / "config.yaml").write_text(
        f"post_hooks: []\nproject_name_override: {PACKAGE}\npackage_name_override: {PACKAGE}\n"
    )
    generator = await asyncio.create_subprocess_exec(
        Path(sys.executable).with_name("openapi-python-client"),
        "generate",
        "--path", "openapi.json", "--config", "config.yaml",
        "--meta", "none", "--output-path", PACKAGE,
        cwd=root, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    output, _ = await asyncio.wait_for(generator.communicate(), timeout=120)
    assert generator.returncode == 0, output.decode()
    sys.path.insert(0, str(root))
    yield importlib.import_module(PACKAGE)
    sys.path.remove(str(root))
    for name in [m for m in sys.modules if m.split(".")[0] == PACKAGE]:
        del sys.modules[name]


async def _client(api: Client, infra: Infrastructure, package: Any) -> Any:
    ws = await new_workspace(infra.database_url)
    return _module(package, "client").AuthenticatedClient(
        base_url=str(api.make_url("")).rstrip("/"),
        token=ws.api_key,
        raise_on_unexpected_status=True,
    )


def _module(package: Any, name: str) -> Any:
    return importlib.import_module(f"{package.__name__}.{name}")


async def test_a_generated_client_manages_a_code_of_every_type(
    api: Client, infra: Infrastructure, package: Any
) -> None:
    client = await _client(api, infra, package)
    create = _module(package, "api.codes.codes_create")
    read = _module(package, "api.codes.codes_read")
    patch = _module(package, "api.codes.codes_patch")
    delete = _module(package, "api.codes.codes_delete")
    models = _module(package, "models")
    assert set(CODE_EXAMPLES) == set(PAYLOAD_TYPES)

    async with client:
        for type_name, example in CODE_EXAMPLES.items():
            body_class = getattr(models, variant_name(type_name))
            body = body_class.from_dict(dict(example))
            created = await create.asyncio_detailed(client=client, body=body)
            assert created.status_code == 201, (type_name, created.content)
            code = created.parsed
            assert isinstance(code, models.CodeView), (type_name, created.content)
            assert code.type_ == type_name
            assert created.headers["Location"] == f"/v1/codes/{code.id}"

            got = await read.asyncio(code_id=str(code.id), client=client)
            assert isinstance(got, models.CodeView)
            assert got.to_dict()["payload"] == code.to_dict()["payload"]

            changes = models.CodePatch.from_dict({"label": f"{type_name} (renamed)"})
            patched = await patch.asyncio(code_id=str(code.id), client=client, body=changes)
            assert isinstance(patched, models.CodeView), type_name
            assert patched.label == f"{type_name} (renamed)"
            assert patched.to_dict()["payload"] == code.to_dict()["payload"]

            deleted = await delete.asyncio_detailed(code_id=str(code.id), client=client)
            assert deleted.status_code == 204, type_name
            gone = await read.asyncio(code_id=str(code.id), client=client)
            assert isinstance(gone, models.CodeView)
            assert gone.status == "deleted", type_name  # soft: restorable


async def test_the_generated_client_sends_a_merge_patch_of_a_payload(
    api: Client, infra: Infrastructure, package: Any
) -> None:
    client = await _client(api, infra, package)
    models = _module(package, "models")
    create = _module(package, "api.codes.codes_create")
    patch = _module(package, "api.codes.codes_patch")
    async with client:
        example = dict(CODE_EXAMPLES["coupon"])
        code = await create.asyncio(client=client, body=models.CouponCode.from_dict(example))
        assert isinstance(code, models.CodeView)
        changes = models.CodePatch.from_dict({"coupon": {"description": "20 % off"}})
        patched = await patch.asyncio(code_id=str(code.id), client=client, body=changes)
        assert isinstance(patched, models.CodeView), patched
        assert patched.to_dict()["payload"] == {**example["coupon"], "description": "20 % off"}

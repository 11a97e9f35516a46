"""Apache Kafka 3.9.1 in KRaft mode (one combined broker+controller node), without Docker.

The broker's 57 pinned jars (jars.py) are downloaded once from Maven Central and cached in
`<cache>/kafka-<version>/lib` (about 48 MB); later starts use the cache.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import signal
import uuid
from dataclasses import dataclass
from pathlib import Path

from aiokafka.admin import AIOKafkaAdminClient

from qrstack_launcher.jars import fetch_jars, pinned_jars
from qrstack_launcher.processes import ManagedProcess, wait_until
from qrstack_launcher.tools import java_binary

KAFKA_VERSION = "3.9.1"

_LOG4J = """log4j.rootLogger=WARN, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.server.KafkaServer=INFO
log4j.logger.kafka.server.BrokerServer=INFO
"""


def kafka_jars_ready(cache_dir: Path, version: str = KAFKA_VERSION) -> Path | None:
    """The cached jar directory when a complete download is there, else None."""
    target = cache_dir / f"kafka-{version}"
    return target / "lib" if (target / ".complete").exists() else None


def resolve_kafka_jars(cache_dir: Path, version: str = KAFKA_VERSION) -> Path:
    """Return the directory of the broker's runtime jars, downloading them once."""
    if (ready := kafka_jars_ready(cache_dir, version)) is not None:
        return ready
    target = cache_dir / f"kafka-{version}"
    target.mkdir(parents=True, exist_ok=True)
    fetch_jars(pinned_jars(version), target / "lib", f"Apache Kafka {version} jars")
    (target / ".complete").write_text(version)
    return target / "lib"


def _cluster_id(seed: str) -> str:
    """A stable 22-character base64url cluster id for a data directory. It never starts with
    '-' or '_' (the storage tool would read a leading '-' as an option)."""
    encoded = base64.urlsafe_b64encode(uuid.uuid5(uuid.NAMESPACE_URL, seed).bytes).decode()[:22]
    return ("Q" + encoded[1:]) if encoded[0] in "-_" else encoded


@dataclass
class LocalKafka:
    home: Path  # config and data live here
    port: int
    controller_port: int
    cache_dir: Path
    heap: str = "1g"
    process: ManagedProcess | None = None

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def cluster_id(self) -> str:
        return _cluster_id(str(self.home.resolve()))

    def _write_config(self) -> Path:
        data = self.home / "data"
        data.mkdir(parents=True, exist_ok=True)
        props = self.home / "server.properties"
        props.write_text(
            "\n".join(
                [
                    "process.roles=broker,controller",
                    "node.id=1",
                    f"controller.quorum.voters=1@127.0.0.1:{self.controller_port}",
                    f"listeners=PLAINTEXT://127.0.0.1:{self.port},"
                    f"CONTROLLER://127.0.0.1:{self.controller_port}",
                    f"advertised.listeners=PLAINTEXT://127.0.0.1:{self.port}",
                    "inter.broker.listener.name=PLAINTEXT",
                    "controller.listener.names=CONTROLLER",
                    "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                    f"log.dirs={data.resolve()}",
                    "num.partitions=3",
                    "offsets.topic.replication.factor=1",
                    "offsets.topic.num.partitions=1",
                    "transaction.state.log.replication.factor=1",
                    "transaction.state.log.min.isr=1",
                    "group.initial.rebalance.delay.ms=0",
                    "auto.create.topics.enable=false",
                    "log.cleaner.backoff.ms=5000",
                    "",
                ]
            )
        )
        (self.home / "log4j.properties").write_text(_LOG4J)
        return props

    async def start(self, timeout: float = 90.0) -> None:
        java = java_binary()
        lib = await asyncio.to_thread(resolve_kafka_jars, self.cache_dir)
        self.home.mkdir(parents=True, exist_ok=True)
        props = self._write_config()
        classpath = f"{lib}/*"
        log_path = self.home / "kafka.log"
        fmt = ManagedProcess(
            "kafka-storage-format",
            [
                java,
                "-cp",
                classpath,
                "kafka.tools.StorageTool",
                "format",
                f"--cluster-id={self.cluster_id}",
                "-c",
                str(props),
                "--ignore-formatted",
            ],
            log_path=log_path,
        )
        await fmt.start()
        assert fmt.process is not None
        if await fmt.process.wait() != 0:
            raise RuntimeError(f"formatting Kafka storage failed:\n{fmt.log_tail()}")
        self.process = ManagedProcess(
            "kafka",
            [
                java,
                "-Xms256m",
                f"-Xmx{self.heap}",
                "-XX:+UseG1GC",
                f"-Dlog4j.configuration=file:{(self.home / 'log4j.properties').resolve()}",
                "-cp",
                classpath,
                "kafka.Kafka",
                str(props),
            ],
            log_path=log_path,
            stop_signal=signal.SIGTERM,
            stop_timeout=30.0,
        )
        await self.process.start()
        await wait_until(self._answers, what="Kafka", timeout=timeout, owner=self.process)

    async def _answers(self) -> bool:
        # aiokafka logs every refused connection at ERROR; while the broker boots that is noise.
        quiet = logging.getLogger("aiokafka")
        level = quiet.level
        quiet.setLevel(logging.CRITICAL)
        try:
            return await self._list_topics()
        finally:
            quiet.setLevel(level)

    async def _list_topics(self) -> bool:
        admin = AIOKafkaAdminClient(bootstrap_servers=self.bootstrap, request_timeout_ms=3000)
        await admin.start()
        try:
            cluster = await admin.describe_cluster()
        finally:
            await admin.close()
        if cluster.get("cluster_id") != self.cluster_id:
            # Another broker answers on this port: ours failed to bind (its log says why).
            raise RuntimeError(
                f"port {self.port} is served by another Kafka (cluster "
                f"{cluster.get('cluster_id')}), not this one"
            )
        return True

    async def stop(self) -> None:
        if self.process is not None:
            await self.process.stop()

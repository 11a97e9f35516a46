"""Apache Kafka 3.9.1 in KRaft mode (one combined broker+controller node), without Docker.

The broker's jars are resolved once from Maven Central with Maven and cached in
`<cache>/kafka-<version>/lib` (about 46 MB); later starts use the cache.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import shutil
import signal
import uuid
from dataclasses import dataclass
from pathlib import Path

from aiokafka.admin import AIOKafkaAdminClient

from qrstack_launcher.processes import ManagedProcess, wait_until
from qrstack_launcher.tools import java_binary, maven_binary

KAFKA_VERSION = "3.9.1"

_POM = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>qrstack.local</groupId><artifactId>kafka-runtime</artifactId><version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId>
      <version>{version}</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-reload4j</artifactId>
      <version>1.7.36</version></dependency>
    <dependency><groupId>ch.qos.reload4j</groupId><artifactId>reload4j</artifactId>
      <version>1.2.25</version></dependency>
  </dependencies>
</project>
"""

_LOG4J = """log4j.rootLogger=WARN, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.server.KafkaServer=INFO
log4j.logger.kafka.server.BrokerServer=INFO
"""


async def resolve_kafka_jars(cache_dir: Path, version: str = KAFKA_VERSION) -> Path:
    """Return the directory of the broker's runtime jars, downloading them once."""
    target = cache_dir / f"kafka-{version}"
    lib = target / "lib"
    if (target / ".complete").exists():
        return lib
    mvn = maven_binary()
    work = cache_dir / f".kafka-{version}-{uuid.uuid4().hex[:8]}"
    work.mkdir(parents=True)
    try:
        (work / "pom.xml").write_text(_POM.format(version=version))
        proc = await asyncio.create_subprocess_exec(
            mvn,
            "-q",
            "-B",
            "dependency:copy-dependencies",
            "-DincludeScope=runtime",
            "-DoutputDirectory=lib",
            cwd=work,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        output, _ = await proc.communicate()
        if proc.returncode != 0:
            raise RuntimeError(
                f"Maven could not resolve Apache Kafka {version} from Maven Central "
                f"(exit {proc.returncode}):\n{output.decode(errors='replace')[-3000:]}"
            )
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        (work / "lib").rename(lib)
        (target / ".complete").write_text(version)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return lib


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
        lib = await resolve_kafka_jars(self.cache_dir)
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

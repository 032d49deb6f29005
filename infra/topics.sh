#!/usr/bin/env bash
# Create Kafka topics idempotently on the local broker with Kafka's own CLI
# (org.apache.kafka.tools.TopicCommand from the jars fetched by infra/kafka.sh).
#   infra/topics.sh PARTITIONS topic1 [topic2 ...]
# Environment: KAFKA_PORT (default 19092), or KAFKA_BOOTSTRAP (default 127.0.0.1:$KAFKA_PORT),
#              KAFKA_REPLICATION_FACTOR (default 1).
set -euo pipefail

INFRA=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LIBS="$INFRA/.cache/kafka-libs"
LOG4J="$INFRA/kafka/log4j2.properties"
KAFKA_PORT=${KAFKA_PORT:-19092}
KAFKA_BOOTSTRAP=${KAFKA_BOOTSTRAP:-127.0.0.1:$KAFKA_PORT}
RF=${KAFKA_REPLICATION_FACTOR:-1}

if [[ $# -lt 2 || ! "$1" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: $0 PARTITIONS topic1 [topic2 ...]" >&2
  exit 2
fi
partitions=$1; shift
compgen -G "$LIBS/kafka-tools-*.jar" >/dev/null ||
  { echo "topics: Kafka jars missing in $LIBS; run infra/kafka.sh up first" >&2; exit 1; }

for topic in "$@"; do
  java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$LOG4J" -cp "$LIBS/*" \
    org.apache.kafka.tools.TopicCommand --bootstrap-server "$KAFKA_BOOTSTRAP" \
    --create --if-not-exists --topic "$topic" --partitions "$partitions" --replication-factor "$RF" >/dev/null
  echo "topics: $topic ready ($partitions partitions requested; existing topics are left as they are)"
done

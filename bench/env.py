"""Where the run happens (``tools.stack``): its namespace, its own database on the project's
PostgreSQL, the project's Kafka, topics of 8 partitions."""

from __future__ import annotations

from tools.stack import ADMIN_DSN, BOOTSTRAP, Stack

__all__ = ["ADMIN_DSN", "BENCH_DSN", "BOOTSTRAP", "PARTITIONS", "STACK"]

STACK = Stack("b", partitions=8)
BENCH_DSN = STACK.dsn
PARTITIONS = STACK.partitions
create_database = STACK.create_database
drop_database = STACK.drop_database
# What every service process of the run gets (and the bare baseline's processes too).
stack_env = STACK.service_env

-- Rate limits shared by every gateway instance: a client's hits per bucket and second, so that
-- the limit (hits in the last minute) holds across instances and restarts. Seconds older than
-- two minutes are purged by the gateway's housekeeping; an unlogged table (the counts are not
-- worth a WAL write, and a crashed server forgetting them lets a client a minute early).
CREATE UNLOGGED TABLE rate_hits (
    bucket text        NOT NULL,
    client text        NOT NULL,
    second timestamptz NOT NULL,
    hits   integer     NOT NULL,
    PRIMARY KEY (bucket, client, second)
);

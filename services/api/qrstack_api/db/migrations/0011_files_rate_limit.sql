-- A workspace's budget for its public file streams: page views per client address per window
-- of the `files` rate limit (an hour by default). NULL: the rule's own limit (30, TurtleQR's).
ALTER TABLE workspaces ADD COLUMN files_rate_limit integer
    CHECK (files_rate_limit BETWEEN 1 AND 1000000);

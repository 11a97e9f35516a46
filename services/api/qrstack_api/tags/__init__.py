"""Tags: the workspace's tags with how many (not deleted) codes carry each."""

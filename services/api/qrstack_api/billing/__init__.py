"""Plans and subscriptions: the workspace's billing state, the public price catalogue, and the
signed subscription webhook that changes a workspace's plan."""

"""Action plans by standard, their measured results, and the workspace's library of what worked."""

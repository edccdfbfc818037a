"""One module per job; each registers itself with `scheduler.registry.job`."""

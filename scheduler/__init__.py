"""The scheduler: periodic sweeps that send check-ins, nudges, warnings and digests once."""

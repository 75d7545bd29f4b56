"""ipflow's benchmarks: `make bench` (python -m bench) prints one table and writes it as JSON.

Never part of `make test`: figures are measured, not asserted."""

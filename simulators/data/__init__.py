"""Demo data of the agency simulators (package data: population.json)."""

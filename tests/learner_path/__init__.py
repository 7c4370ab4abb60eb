"""The learner-path test: each notebook run as under `make lab`, against its committed outputs."""

"""HTTP routes, one module per wire shape: native, OpenRLHF, slime, and the probes."""

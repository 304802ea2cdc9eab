"""rlvr-kit curation (see its issue)."""

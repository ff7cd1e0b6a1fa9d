"""Tests of kerax.backend: variables, scopes, masks, naming, dtypes, staging, the compilation cache."""

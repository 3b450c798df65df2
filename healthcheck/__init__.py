"""healthcheck: recompute Amazon seller account-health metrics from Seller Central reports, offline."""

__version__ = "0.1.0"

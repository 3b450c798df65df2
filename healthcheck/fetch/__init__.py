"""`healthcheck fetch`: Seller Central reports through the Selling Partner API, into a folder the audit reads.

Kept empty so that the audit can import `manifest` (to skip it in a folder) without loading the HTTP client.
"""

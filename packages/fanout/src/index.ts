// Public API of @market-stream/fanout: filled in by its issue.

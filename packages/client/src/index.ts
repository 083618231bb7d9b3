// Public API of @market-stream/client: filled in by its issue.

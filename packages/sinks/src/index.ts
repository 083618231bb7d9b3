// Public API of @market-stream/sinks: filled in by its issue.

// Public API of @market-stream/simulator: filled in by its issue.

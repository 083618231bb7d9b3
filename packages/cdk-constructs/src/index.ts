// Public API of @market-stream/cdk-constructs: filled in by its issue.

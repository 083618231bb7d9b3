// Local API Gateway emulator: filled in by its issue.

// Lambda-side API: filled in by its issue.

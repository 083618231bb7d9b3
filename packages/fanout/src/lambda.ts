// Lambda handlers: filled in by its issue.

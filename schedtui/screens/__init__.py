"""One screen per module; screens call core services in thread workers."""

"""engagekit's own behaviour, registered through the same hooks as any plugin."""

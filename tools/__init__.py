"""Developer and operator tooling: starting the stack, seeding the demo."""

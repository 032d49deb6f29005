"""The shared kernel: message contracts and the plumbing every service uses once."""

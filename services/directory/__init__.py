"""Directory: partner and customer companies, their users and roles, sign-in, subscriptions
and service requests."""

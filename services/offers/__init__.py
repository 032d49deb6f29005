"""The service catalogue, purchase offers and their redemptions."""

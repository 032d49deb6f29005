"""Trial invitations: their codes, revocation and redemption."""

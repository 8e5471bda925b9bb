"""Two-factor authentication for staff: TOTP devices and recovery codes (django-otp)."""

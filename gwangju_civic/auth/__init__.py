"""Staff sign-in: Flask-Login sessions, hashed passwords, throttled failures, the users command."""

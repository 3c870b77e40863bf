"""The web surface: headers, throttles, crafted input, the secret key."""

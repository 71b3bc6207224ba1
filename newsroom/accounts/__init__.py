"""
Staff accounts: sign-in lockout (django-axes), the second factor (django-otp: an authenticator
app and recovery codes) and who must use it, and the pages where staff set it up and use it.
"""

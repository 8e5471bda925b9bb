"""Two-factor login for people with staff duties: an authenticator app (TOTP) and recovery codes (django-otp).

`selectors` says who has duties and which devices a person holds; `services` sets devices up, checks codes
(throttled per device and rate-limited per person) and replaces them; `middleware` keeps unverified people
with duties out of the staff pages; the views under /konto/zwei-faktor/ call them.

The API: a browser session of a person with duties counts there only once verified (else the API answers as to
a visitor). API tokens are not asked for a code: `POST auth/token/` takes email and password (limited by the
login limiter), and a token is a long random secret, stored hashed, valid for API_TOKEN_DAYS and revocable;
people with duties should create tokens only for machines they look after.
"""

"""Two-factor login for people with staff duties: an authenticator app (TOTP) and recovery codes (django-otp).

`selectors` says who has duties and which devices a person holds; `services` sets devices up, checks codes
(throttled per device and rate-limited per person) and replaces them; `middleware` keeps unverified people
with duties out of the staff pages; the views under /konto/zwei-faktor/ call them.

The API: a browser session of a person with duties counts there only once verified (else the API answers as to
a visitor). `POST auth/token/` asks such a person for `otp` (a code from the app or a recovery code) besides
email and password, and the page that makes tokens (/konto/api-zugaenge/) is a staff page: a token acts with
the person's staff rights, so it is made only with the second factor.
"""

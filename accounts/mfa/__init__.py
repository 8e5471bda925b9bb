"""Two-factor login for people with staff duties: an authenticator app (TOTP) and recovery codes (django-otp).

`selectors` says who has duties and which devices a person holds; `services` sets devices up, checks codes
(throttled per device and rate-limited per person) and replaces them; `middleware` keeps unverified people
with duties out of the staff pages; the views under /konto/zwei-faktor/ call them.
"""

"""Settings of the enrolment burst's server (`bench.enrolment_burst`): the platform's own, with two changes.

- The URLs add the burst's floor (`bench.urls`); the platform's URLs stay as they are.
- The API throttles allow far more than the burst sends. Each person enrols once, inside the `enrol` rate
  (counted per person), but the benchmark must measure the enrolment and never the limiter, also when the
  platform's rates are tightened later. The platform's own settings keep their limits. The login limiter
  (django-axes) is not involved: the people's tokens are created directly, not through `POST auth/token/`.

The server speaks plain HTTP on the loopback, so no redirect to HTTPS.
"""

from config.settings import *  # noqa: F403
from config.settings import REST_FRAMEWORK

ROOT_URLCONF = "bench.urls"
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"enrol": "1000000/hour", "token": "1000000/hour"},
}
SECURE_SSL_REDIRECT = False

"""Demo data for trying the platform out: `demo_data_seed` fills the site from the files in `data/`.

`python manage.py seed_demo` calls it and prints the demo logins. The site structure it builds on (home,
catalogues, legal pages) is `cms.services.site_structure_ensure`, which every installation needs.
"""

from .data import DemoDataError, demo_data_load
from .seed import DemoLogin, DemoSeedResult, demo_data_seed

__all__ = ["DemoDataError", "DemoLogin", "DemoSeedResult", "demo_data_load", "demo_data_seed"]

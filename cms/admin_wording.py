"""Wagtail admin phrases whose German the site words itself; `locale/de` holds the German.

Wagtail's own German builds "In <workflow> einreichen", which reads wrongly with any workflow name.
"""

from django.utils.translation import gettext_noop

ADMIN_PHRASES = (gettext_noop("Submit to %(workflow_name)s"),)

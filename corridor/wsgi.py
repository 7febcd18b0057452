import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "corridor.settings")
application = get_wsgi_application()

from vault.checks import load_codename_lists, require_keys  # noqa: E402  (needs the apps loaded)

require_keys()
load_codename_lists()

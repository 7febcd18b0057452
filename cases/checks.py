"""The programme's retention settings must load at start-up: a broken or missing file would
either stop the purge or keep personal data forever, silently."""

from django.core.checks import Error, register

from cases import retention


@register()
def retention_settings(app_configs, **kwargs) -> list[Error]:
    try:
        retention.parse(retention.path().read_text(encoding="utf-8"))
    except OSError:
        return [Error(f"{retention.path()} is missing or unreadable.", id="cases.E001")]
    except retention.RetentionError as error:
        return [Error(f"{retention.path()}: {error}", id="cases.E002")]
    return []

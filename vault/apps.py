from django.apps import AppConfig


class VaultConfig(AppConfig):
    """Keys, compartments, encryption, blind indexes, codenames, signing. See docs/vault.md."""

    name = "vault"
    verbose_name = "Vault"

    def ready(self) -> None:
        from vault import checks  # noqa: F401  (registers the key checks)

"""Move second factors out of django-otp's plaintext tables, then drop those tables.

Databases made before this change hold TOTP seeds as hex (``otp_totp_totpdevice.key``) and
backup codes as typed (``otp_static_statictoken.token``). Each seed is sealed to a new
``accounts.TOTPDevice`` row and each backup code kept only as a keyed hash, so every user logs
in exactly as before: the same authenticator app, the same unused backup codes. The old tables
are then dropped (on SQLite with ``secure_delete`` on, so their pages are zeroed, not left in
the file's free list) and their migration records removed, since their apps are no longer
installed.

The conversion needs the key directory (``CORRIDOR_KEY_DIR``): without it this migration stops
and changes nothing. A database with no such tables (every new one) needs nothing. Copies of
the database taken before this migration still hold the seeds in clear: where such copies may
have left your hands, reset every second factor (docs/accounts.md).
"""

from django.db import migrations

LEGACY_TABLES = ["otp_static_statictoken", "otp_static_staticdevice", "otp_totp_totpdevice"]


def seal_legacy_second_factors(apps, schema_editor):
    connection = schema_editor.connection
    present = [t for t in LEGACY_TABLES if t in set(connection.introspection.table_names())]
    if not present:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA secure_delete = ON")
        totp = []
        if "otp_totp_totpdevice" in present:
            cursor.execute(
                "SELECT user_id, name, confirmed, key, step, t0, digits, tolerance, drift, "
                "last_t FROM otp_totp_totpdevice ORDER BY id"
            )
            totp = cursor.fetchall()
        static = []
        if "otp_static_staticdevice" in present:
            cursor.execute(
                "SELECT id, user_id, name, confirmed FROM otp_static_staticdevice ORDER BY id"
            )
            static = cursor.fetchall()
        tokens = {}
        if "otp_static_statictoken" in present:
            cursor.execute("SELECT device_id, token FROM otp_static_statictoken ORDER BY id")
            for device_id, token in cursor.fetchall():
                tokens.setdefault(device_id, []).append(token)
        if totp or tokens:
            _convert(apps, totp, static, tokens)
        for table in present:
            cursor.execute(f"DROP TABLE {connection.ops.quote_name(table)}")
        cursor.execute("DELETE FROM django_migrations WHERE app IN ('otp_totp', 'otp_static')")


def _convert(apps, totp, static, tokens):
    from vault import keys
    from vault import second_factors as sealed

    try:
        keys.keyring()
    except keys.KeysMissing as error:
        raise RuntimeError(
            "Sealing the existing second factors needs the key directory: run migrate with "
            f"CORRIDOR_KEY_DIR set to the programme's keys ({error})"
        ) from error
    TOTPDevice = apps.get_model("accounts", "TOTPDevice")
    BackupCodeDevice = apps.get_model("accounts", "BackupCodeDevice")
    BackupCode = apps.get_model("accounts", "BackupCode")
    for user_id, name, confirmed, key, step, t0, digits, tolerance, drift, last_t in totp:
        device = TOTPDevice(
            user_id=user_id,
            name=name,
            confirmed=bool(confirmed),
            step=step,
            t0=t0,
            digits=digits,
            tolerance=tolerance,
            drift=drift,
            last_t=last_t,
        )
        device.sealed_seed = sealed.seal_totp_seed(
            bytes.fromhex(key), user_id=user_id, device=device.uuid
        )
        device.save(force_insert=True)
    for old_id, user_id, name, confirmed in static:
        device = BackupCodeDevice.objects.create(
            user_id=user_id, name=name, confirmed=bool(confirmed)
        )
        codes = []
        for token in tokens.get(old_id, []):
            code = token.replace(" ", "").replace("-", "").lower()
            # Only codes of the shape Corridor issues can be typed at login; others are dropped.
            if len(code) == sealed.BACKUP_CODE_LENGTH and set(code) <= set(
                sealed.BACKUP_CODE_ALPHABET
            ):
                digest = sealed.backup_code_digest(code, user_id=user_id, device=device.uuid)
                codes.append(BackupCode(device=device, digest=digest))
        BackupCode.objects.bulk_create(codes)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_sealed_second_factors")]

    operations = [
        migrations.RunPython(seal_legacy_second_factors, migrations.RunPython.noop, elidable=False)
    ]

"""Field encryption through the library's public API: several keys during a rotation, rotate_field_key, digests."""

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command

from kefu.audit import crypto

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def test_digest_is_a_keyed_hmac_under_an_hkdf_key(settings):
    import hashlib
    import hmac

    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    settings.FIELD_ENCRYPTION_KEY = OLD
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"kefu field digest v1").derive(OLD.encode())
    assert crypto.digest(" 13800001111 ") == hmac.new(key, b"13800001111", hashlib.sha256).hexdigest()
    assert crypto.digest_many(["13800001111", "x"]) == [crypto.digest("13800001111"), crypto.digest("x")]
    settings.FIELD_ENCRYPTION_KEY = NEW
    assert crypto.digest("13800001111") != hmac.new(key, b"13800001111", hashlib.sha256).hexdigest()


def test_several_keys_the_first_encrypts_every_one_decrypts(settings):
    settings.FIELD_ENCRYPTION_KEY = OLD
    token = crypto.encrypt("张三")
    assert crypto.encrypt_many(["a", "a"])[0] != crypto.encrypt_many(["a"])[0]  # a fresh IV each time
    settings.FIELD_ENCRYPTION_KEY = f"{NEW}, {OLD}"
    assert crypto.decrypt(token) == "张三" and not crypto.under_first_key(token)
    assert crypto.under_first_key(crypto.encrypt("张三"))
    settings.FIELD_ENCRYPTION_KEY = NEW
    with pytest.raises(ValueError, match="KEFU_FIELD_KEY"):
        crypto.decrypt(token)
    settings.FIELD_ENCRYPTION_KEY = "not-a-key"
    with pytest.raises(ValueError, match="格式不正确"):
        crypto.encrypt("x")


@pytest.mark.django_db
def test_rotate_field_key_rewrites_customers_and_callers_under_the_new_key(settings, center, capsys):
    from kefu.audit.models import AuditRecord
    from kefu.customers.models import Customer
    from kefu.customers.services import find_by_phone, upsert_customer
    from kefu.telephony import services
    from kefu.telephony.models import Call, Caller
    from kefu.telephony.tests.test_import import FILE_A, FILE_B, L, qlog

    settings.FIELD_ENCRYPTION_KEY = OLD
    customer = upsert_customer(
        center, phone="13800001111", name="张三", address="杭州市西湖区文三路1号", service_number="95598"
    )
    services.import_queue_log(center, file_name="a.log", data=FILE_A + FILE_B)
    gone = Caller.objects.get(number_digest=crypto.digest("13900002222"))
    services.destroy_callers(center, [gone.pk], "测试")

    settings.FIELD_ENCRYPTION_KEY = f"{NEW},{OLD}"  # during the rotation: the old rows are read with the old key
    assert (
        Customer.objects.get().phone == "13800001111" and Call.objects.get(call_id="1.1").caller.number == "13800001111"
    )
    with pytest.raises(CommandError, match="旧密钥"):
        call_command("rotate_field_key", "--verify")
    call_command("rotate_field_key")
    assert "customers.Customer：已重新加密 1 行" in capsys.readouterr().out
    call_command("rotate_field_key", "--verify")

    settings.FIELD_ENCRYPTION_KEY = NEW  # after it only the new key is needed
    again = Customer.objects.get()
    assert (again.phone, again.name, again.address, again.service_number) == (
        "13800001111",
        "张三",
        "杭州市西湖区文三路1号",
        "95598",
    )
    assert find_by_phone(center, "13800001111") == customer  # digests under the new key
    assert Call.objects.get(call_id="1.1").caller.number == "13800001111"
    services.import_queue_log(
        center, file_name="c.log", data=qlog(L(9000, "9.1", "q1", "NONE", "KF_BLOCKED", "13800001111", ""))
    )
    assert (
        Call.objects.get(call_id="9.1").caller_id == Call.objects.get(call_id="1.1").caller_id
    )  # found by its new digest
    assert Caller.objects.filter(pk=gone.pk).values_list("number", "number_digest").get() == (
        "",
        None,
    )  # stays destroyed
    assert AuditRecord.objects.filter(object_type="audit.field_key", channel=AuditRecord.Channel.CLI).count() == 1

    settings.FIELD_ENCRYPTION_KEY = OLD
    with pytest.raises(ValueError):
        Customer.objects.get()

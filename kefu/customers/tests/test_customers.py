import pytest

from kefu.audit.crypto import digest
from kefu.audit.masking import mask_name, mask_phone
from kefu.customers.models import Customer
from kefu.customers.phones import normalize_phone
from kefu.errors import RuleViolation


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("13812345678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("010-12345678", "01012345678"),
        ("0755 8888 6666", "075588886666"),
        ("4008001234", "4008001234"),
        ("12345", "12345"),
        ("10086", "10086"),
        ("1381234567", None),
        ("23812345678", None),
        ("abc", None),
        ("", None),
    ],
)
def test_normalize_phone(raw, expected):
    assert normalize_phone(raw) == expected


def test_mask_like_spec():
    # SPEC §Privacy: 138****5678
    assert mask_phone("13812345678") == "138****5678"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧***"


@pytest.mark.django_db
def test_phone_is_encrypted_at_rest_and_found_by_digest(center):
    from django.db import connection

    from kefu.customers.services import find_by_phone, upsert_customer

    c = upsert_customer(center, phone="138-1234-5678", name="张三")
    with connection.cursor() as cur:
        cur.execute("SELECT phone, name FROM customers_customer WHERE id = %s", [c.pk])
        raw_phone, raw_name = cur.fetchone()
    assert "13812345678" not in raw_phone and "张三" not in raw_name
    assert Customer.objects.get(pk=c.pk).phone == "13812345678"
    assert find_by_phone(center, "+8613812345678").pk == c.pk
    assert c.phone_digest == digest("13812345678")
    again = upsert_customer(center, phone="13812345678", kind="key_account")
    assert again.pk == c.pk and again.kind == "key_account" and again.name == "张三"


@pytest.mark.django_db
def test_bad_phone_is_refused_and_changes_nothing(center):
    from kefu.customers.services import upsert_customer

    with pytest.raises(RuleViolation) as err:
        upsert_customer(center, phone="12345abc", name="李四")
    assert err.value.problems[0].field == "phone" and "电话号码格式不正确" in str(err.value)
    with pytest.raises(RuleViolation) as err:
        upsert_customer(center, phone="13812345678", kind="vip")
    assert err.value.problems[0].field == "customer_kind"
    assert not Customer.objects.exists()


@pytest.mark.django_db
def test_upsert_says_whether_the_caller_is_new(center):
    from kefu.customers.services import upsert_customer_created

    first, created = upsert_customer_created(center, phone="13812345678", name="张三")
    again, created_again = upsert_customer_created(center, phone="138 1234 5678", address="北京市西城区")
    assert created and not created_again and again.pk == first.pk
    stored = Customer.objects.get(pk=first.pk)
    assert (stored.name, stored.address) == ("张三", "北京市西城区")


@pytest.mark.django_db
def test_bad_service_number_changes_nothing_inside_a_transaction(center):
    """Checked before any write, so a caller's transaction is left usable (the rows go in without a savepoint)."""
    from django.db import transaction

    from kefu.customers.services import upsert_customer_created

    with transaction.atomic():
        with pytest.raises(RuleViolation) as err:
            upsert_customer_created(center, phone="13812345678", service_number="abc")
        assert err.value.problems[0].field == "service_number"
        assert not Customer.objects.exists()  # the transaction still answers queries

"""gongzhi.core.pii: encryption, keyed hashes, masking, the encrypted field and re-keying."""

import pytest
from cryptography.fernet import Fernet

from gongzhi.core import pii

ID = "620103199001011235"


def test_encrypt_round_trips_and_is_randomised():
    # given a value, when it is encrypted twice, then both decrypt to it and neither shows it
    a, b = pii.encrypt(ID), pii.encrypt(ID)
    assert a != b and ID not in a
    assert pii.decrypt(a) == pii.decrypt(b) == ID
    assert pii.encrypt("") == "" and pii.decrypt("") == ""


def test_old_key_still_reads_and_rotate_moves_to_new_key(settings):
    # given a value written under the old key
    old = settings.FIELD_ENCRYPTION_KEYS[0]
    token = pii.encrypt("13812345678")
    # when a new key is put first
    new = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    # then the old token still reads, and rotating writes it under the new key only
    assert pii.decrypt(token) == "13812345678"
    rotated = pii.rotate(token)
    settings.FIELD_ENCRYPTION_KEYS = [new]
    assert pii.decrypt(rotated) == "13812345678"
    with pytest.raises(pii.DecryptionError) as exc:
        pii.decrypt(token)
    assert "138" not in str(exc.value)


def test_blind_index_is_keyed_normalised_and_kind_specific(settings):
    h = pii.blind_index("phone", "138 1234 5678")
    assert h == pii.blind_index("phone", "+86 13812345678") == pii.blind_indexer("phone")("13812345678")
    assert h != pii.blind_index("id_number", "13812345678")
    assert pii.blind_index("id_number", ID.lower()[:-1] + "x") == pii.blind_index("id_number", ID[:-1] + "X")
    assert "13812345678" not in h and len(h) == 64
    settings.FIELD_HASH_KEY = "another-key"
    assert pii.blind_index("phone", "13812345678") != h
    assert pii.blind_index("phone", "") == ""


@pytest.mark.parametrize(
    ("kind", "value", "masked"),
    [
        ("id_number", "620102199001011234", "6201**********1234"),
        ("phone", "13812345678", "138****5678"),
        ("phone", "0931-8123456", "*******3456"),
        ("name", "张三", "张*"),
        ("name", "张三丰", "张*丰"),
        ("name", "欧阳小明", "欧**明"),
        ("phone", "", ""),
    ],
)
def test_masks(kind, value, masked):
    assert pii.mask(kind, value) == masked



@pytest.mark.django_db
def test_encrypted_field_refuses_value_filters_but_allows_empty_checks():
    from gongzhi.residents.models import Person

    assert list(Person.objects.filter(phone="")) == []
    with pytest.raises(TypeError):
        list(Person.objects.filter(phone="13812345678"))
    from django.core.exceptions import FieldError

    with pytest.raises(FieldError):  # no other lookups either
        Person.objects.filter(phone__startswith="138")

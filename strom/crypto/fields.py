"""Model fields for identifying data: encrypted text and its keyed blind index.

An EncryptedTextField holds ciphertext in the database and plaintext on the model instance. It cannot
be filtered on (each encryption uses a fresh nonce); look values up through a BlindIndexField.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Model

from strom.crypto import service
from strom.crypto.keys import KeyRing


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    description = "Text encrypted with AES-256-GCM"

    def __init__(self, *args: Any, context_label: str = "", **kwargs: Any) -> None:
        # A model that moves to another app keeps its table, and its ciphertext stays bound to the
        # label it was written under ("cases.decision"): `context_label` names that label.
        self.context_label = context_label
        super().__init__(*args, **kwargs)

    def context(self) -> str:
        # The column identifies the ciphertext; moving it to another column makes it undecryptable.
        # Kept once known: every value of a list page asks for it.
        context: str | None = self.__dict__.get("_context")
        if context is None:
            context = self.__dict__["_context"] = (
                f"{self.context_label or self.model._meta.label_lower}.{self.attname}"
            )
        return context

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return service.decrypt(value, context=self.context())

    def to_python(self, value: Any) -> Any:
        return value

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        # Always encrypt, even text that looks like ciphertext: instances hold plaintext only (values
        # are decrypted on the way out), and key rotation writes ciphertext with SQL of its own.
        return service.encrypt(str(value), context=self.context())

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name != "isnull":
            raise TypeError(f"encrypted fields cannot be filtered with __{lookup_name}; use a blind index")
        return super().get_lookup(lookup_name)


class BlindIndexField(models.CharField):  # type: ignore[type-arg]
    """HMAC of the normalised value of another field on the same model, kept in step on every save."""

    def __init__(self, *args: Any, source: str, kind: str = "exact", **kwargs: Any) -> None:
        self.source = source
        self.kind = kind
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs["kind"] = self.kind
        for key, default in (("max_length", 64), ("editable", False), ("db_index", True), ("blank", True)):
            if kwargs.get(key) == default:
                kwargs.pop(key)
        if kwargs.get("default") == "":
            kwargs.pop("default")
        return name, path, args, kwargs

    def compute(self, value: str | None, *, ring: KeyRing | None = None) -> str:
        if not value:
            return ""
        if self.kind == "name":
            return service.name_index(value, ring=ring)
        return service.blind_index(value, kind=self.kind, ring=ring)

    def pre_save(self, model_instance: Model, add: bool) -> str:
        value = self.compute(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value

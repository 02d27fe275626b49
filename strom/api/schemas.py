"""The base of answers an operation builds as plain dicts.

ninja's `Schema` reads every field of every item through its attribute getter, so it can take model
instances; for fifty cases of a list page that was a fifth of the request. An answer built as dicts
needs none of that: pydantic-core validates it alone. The OpenAPI document is the same either way
(tests/test_openapi.py).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class DictOut(BaseModel):
    """An answer (or a part of one) that the operation returns as a dict, never as a model instance."""

    model_config = ConfigDict(from_attributes=False)

"""Every write of the integrations app, by concern:

- `keys`: API keys (issue, change, revoke) and their use, counted against the key's rate;
- `open311`: filing a request an Open311 client sent with its key;
- `cameras`: camera sources, cameras, alert types and the duty roster;
- `webhook`: receiving a camera alert (signature, payload, snapshot, the case it opens or joins).

Cases are always filed and annotated through `gongzhi.cases.services` (case_submit, case_add_note)
with a `SystemActor` naming the key or the camera source, so they enter the pipeline like any
other request and their history says where they came from. Callers use the names re-exported here
(`from gongzhi.integrations import services; services.apikey_create(...)`).
"""

from .cameras import (
    CAMERA_FIELDS,
    SHIFT_FIELDS,
    SOURCE_FIELDS,
    TYPE_FIELDS,
    camera_check,
    camera_event_type_check,
    camera_event_type_save,
    camera_save,
    camera_source_check,
    camera_source_create,
    camera_source_rotate_secret,
    camera_source_update,
    duty_shift_check,
    duty_shift_delete,
    duty_shift_save,
    generate_secret,
)
from .keys import (
    KEY_FIELDS,
    USE_ACTION,
    apikey_check,
    apikey_create,
    apikey_revoke,
    apikey_update,
    apikey_use,
    apikey_use_record,
    generate_key,
    key_actor,
    rate_count,
    rate_store,
)
from .open311 import MAX_DESCRIPTION, open311_submit
from .webhook import SNAPSHOT_TYPES, camera_actor, camera_event_receive

__all__ = [
    "CAMERA_FIELDS",
    "KEY_FIELDS",
    "MAX_DESCRIPTION",
    "SHIFT_FIELDS",
    "SNAPSHOT_TYPES",
    "SOURCE_FIELDS",
    "TYPE_FIELDS",
    "USE_ACTION",
    "apikey_check",
    "apikey_create",
    "apikey_revoke",
    "apikey_update",
    "apikey_use",
    "apikey_use_record",
    "camera_actor",
    "camera_check",
    "camera_event_receive",
    "camera_event_type_check",
    "camera_event_type_save",
    "camera_save",
    "camera_source_check",
    "camera_source_create",
    "camera_source_rotate_secret",
    "camera_source_update",
    "duty_shift_check",
    "duty_shift_delete",
    "duty_shift_save",
    "generate_key",
    "generate_secret",
    "key_actor",
    "open311_submit",
    "rate_count",
    "rate_store",
]

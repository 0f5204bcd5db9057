"""Storages by role (settings.STORAGES): "default" (media and renditions), "tiles" (360° tiles)
and "private" (buyers' photos, served only by views that check who asks).

Local folders by default; S3-compatible object storage through django-storages when
AWS_STORAGE_BUCKET_NAME is set (cms/settings/base.py). Code asks `storages[...]` and never
writes into MEDIA_ROOT itself, so a file written on one web node or worker is seen by all.
"""

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.utils.functional import cached_property


class PrivateFileSystemStorage(FileSystemStorage):
    """PRIVATE_MEDIA_ROOT, read when first used (the test settings move it), with no URL."""

    def __init__(self, **kwargs):
        kwargs.setdefault("base_url", None)
        super().__init__(**kwargs)

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    @cached_property
    def base_url(self):
        return None


def tiles_storage():
    return storages["tiles"]


def private_storage():
    return storages["private"]


def delete_tree(storage, path: str) -> int:
    """Delete every file under `path` (a storage has no rmtree); returns how many."""
    path = path.strip("/")
    try:
        folders, files = storage.listdir(path)
    except (FileNotFoundError, NotADirectoryError):
        return 0
    count = 0
    for name in files:
        storage.delete(f"{path}/{name}")
        count += 1
    for folder in folders:
        count += delete_tree(storage, f"{path}/{folder}")
    return count

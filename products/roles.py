"""Roles: producers (farmers), officers and site admins — groups and permissions, idempotently.

- One Django group per producer, named exactly ``Producer: <producer slug>`` (the shop reads this
  name through ``products.permissions``). It may add and edit pages under its own ProducerPage
  (never publish), and add/edit/choose images in its own collection only.
- The ``Officer`` group reviews and publishes every producer and product (through the
  "Duyệt sản phẩm" workflow), sees all images and all stock, manages communes, OCOP categories
  and traceability batches, and may set OCOP certification fields.
- Site admins are superusers.

Every function here looks things up before creating them, so calling it twice changes nothing.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from wagtail.images import get_image_model
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowContentType,
    WorkflowPage,
    WorkflowTask,
)
from wagtail.users.models import UserProfile

from cms.officers import OFFICER_GROUP

from .models import (
    ProducerIndexPage,
    ProducerPage,
    ProductImage,
    ProductPage,
    TraceabilityBatch,
)

PRODUCER_GROUP_PREFIX = "Producer: "
OFFICER_USERNAME = "officer"
WORKFLOW_NAME = "Duyệt sản phẩm"
APPROVAL_TASK_NAME = "Cán bộ duyệt tin"

PRODUCER_PAGE_PERMISSIONS = ("add", "change")
OFFICER_PAGE_PERMISSIONS = ("add", "change", "publish", "lock", "unlock")
# No "delete": deleting a picture would silently remove it from a live product, bypassing review.
PRODUCER_IMAGE_PERMISSIONS = ("add", "change", "choose")
OFFICER_IMAGE_PERMISSIONS = ("add", "change", "choose", "delete")
OFFICER_MODEL_PERMISSIONS = (
    "wagtailadmin.access_admin",
    "products.certify_ocop",
    # The English tab and the report of what needs translating (cms/translation.py).
    "cms.translate_content",
    "products.add_commune",
    "products.change_commune",
    "products.delete_commune",
    "products.add_ocopcategory",
    "products.change_ocopcategory",
    "products.delete_ocopcategory",
    "products.add_traceabilitybatch",
    "products.change_traceabilitybatch",
    "products.delete_traceabilitybatch",
    "products.publish_traceabilitybatch",
    "products.add_ntmresult",
    "products.change_ntmresult",
    "products.delete_ntmresult",
    "products.view_stockitem",
    "products.change_stockitem",
    # The search vocabulary (cms/search: synonyms and intent rules).
    "search_index.add_searchsynonym",
    "search_index.change_searchsynonym",
    "search_index.delete_searchsynonym",
    "search_index.add_intentrule",
    "search_index.change_intentrule",
    "search_index.delete_intentrule",
)
# Farmers record their own products' batches (products.trace decides which) and submit them;
# publishing a batch is the officers' (the approval workflow).
# They also schedule the sessions of their own experiences (experiences.bookings decides
# which; booked places and deletions are guarded there and in its admin).
PRODUCER_MODEL_PERMISSIONS = (
    "wagtailadmin.access_admin",
    "products.add_traceabilitybatch",
    "products.change_traceabilitybatch",
    "experiences.add_experiencesession",
    "experiences.change_experiencesession",
    "experiences.delete_experiencesession",
    "experiences.view_experiencesession",
)


def producer_group_name(slug: str) -> str:
    return f"{PRODUCER_GROUP_PREFIX}{slug}"


def _permissions(names) -> list[Permission]:
    found = []
    for name in names:
        app_label, codename = name.split(".")
        found.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return found


def _page_permission(kind: str) -> Permission:
    return Permission.objects.get(
        content_type=ContentType.objects.get_for_model(Page), codename=f"{kind}_page"
    )


def _image_permission(kind: str) -> Permission:
    Image = get_image_model()
    return Permission.objects.get(
        content_type=ContentType.objects.get_for_model(Image),
        codename=f"{kind}_{Image._meta.model_name}",
    )


def _grant_page(group: Group, page: Page, kinds) -> None:
    for kind in kinds:
        GroupPagePermission.objects.get_or_create(
            group=group, page=page, permission=_page_permission(kind)
        )


def _grant_collection(group: Group, collection: Collection, kinds) -> None:
    for kind in kinds:
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=collection, permission=_image_permission(kind)
        )


@transaction.atomic
def ensure_officer_group() -> Group:
    group, _ = Group.objects.get_or_create(name=OFFICER_GROUP)
    group.permissions.add(*_permissions(OFFICER_MODEL_PERMISSIONS))
    index = ProducerIndexPage.objects.first()
    if index is not None:
        _grant_page(group, index, OFFICER_PAGE_PERMISSIONS)
    _grant_collection(group, Collection.get_first_root_node(), OFFICER_IMAGE_PERMISSIONS)
    return group


@transaction.atomic
def ensure_moderation_workflow(officers: Group) -> Workflow | None:
    """ "Duyệt sản phẩm": one officer approval step, for every producer and product page."""
    index = ProducerIndexPage.objects.first()
    if index is None:
        return None
    workflow = Workflow.objects.filter(name=WORKFLOW_NAME).first()
    if workflow is None:
        workflow = Workflow.objects.create(name=WORKFLOW_NAME, active=True)
    task = GroupApprovalTask.objects.filter(name=APPROVAL_TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=APPROVAL_TASK_NAME, active=True)
    task.groups.add(officers)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=index, defaults={"workflow": workflow})
    # The same review for traceability batches (a snippet with WorkflowMixin).
    WorkflowContentType.objects.update_or_create(
        content_type=ContentType.objects.get_for_model(TraceabilityBatch),
        defaults={"workflow": workflow},
    )
    return workflow


def producer_collection(producer: ProducerPage) -> Collection | None:
    """The producer's own image collection: the one its group may add images to."""
    grant = (
        GroupCollectionPermission.objects.filter(
            group__name=producer_group_name(producer.slug), permission=_image_permission("add")
        )
        .select_related("collection")
        .first()
    )
    return grant.collection if grant else None


@transaction.atomic
def ensure_producer_access(producer: ProducerPage) -> tuple[Group, Collection]:
    """The producer's group, image collection and rights on its own page subtree."""
    group, _ = Group.objects.get_or_create(name=producer_group_name(producer.slug))
    group.permissions.add(*_permissions(PRODUCER_MODEL_PERMISSIONS))
    _grant_page(group, producer, PRODUCER_PAGE_PERMISSIONS)
    collection = producer_collection(producer)
    if collection is None:
        collection = Collection.get_first_root_node().add_child(name=f"Ảnh — {producer.title}")
    _grant_collection(group, collection, PRODUCER_IMAGE_PERMISSIONS)
    GroupCollectionPermission.objects.filter(
        group=group, permission=_image_permission("delete")
    ).delete()
    return group, collection


def _move_own_images(producers: list[ProducerPage], collections: dict[int, Collection]) -> None:
    """Put each picture used by exactly one producer into that producer's collection, so the
    farmer finds its own photos in its library (pictures shared by several stay where they are)."""
    owners: dict[int, set[int]] = {}
    for producer in producers:
        if producer.logo_id:
            owners.setdefault(producer.logo_id, set()).add(producer.pk)
    for image_id, producer_id in ProductImage.objects.filter(
        page__in=ProductPage.objects.filter(producer__in=producers)
    ).values_list("image_id", "page__producer_id"):
        owners.setdefault(image_id, set()).add(producer_id)
    Image = get_image_model()
    for image_id, producer_ids in owners.items():
        if len(producer_ids) == 1:
            target = collections[next(iter(producer_ids))]
            Image.objects.filter(pk=image_id).exclude(collection=target).update(collection=target)


def create_login(
    username: str,
    password: str,
    groups: list[Group],
    *,
    email: str = "",
    full_name: str = "",
    must_change_password: bool = False,
):
    """A new admin login in `groups`; with must_change_password it changes it at first login."""
    from .models import FirstLoginPassword

    User = get_user_model()
    first, _sep, last = full_name.rpartition(" ")
    user = User(username=username, email=email, first_name=first[:150], last_name=last[:150])
    user.set_password(password)
    user.save()
    user.groups.add(*groups)
    # Vietnamese admin whatever the browser says; the user may switch to English in its account.
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "vi"
    profile.save(update_fields=["preferred_language"])
    if must_change_password:
        FirstLoginPassword.objects.create(user=user, initial_password=user.password)
    return user


def ensure_login(username: str, password: str, groups: list[Group], **kwargs):
    """The login `username` (created if missing, password left alone if it exists)."""
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        return create_login(username, password, groups, **kwargs), True
    user.groups.add(*groups)
    return user, False


@transaction.atomic
def ensure_roles() -> Group:
    """Officer group, moderation workflow, and a group + collection for every producer."""
    officers = ensure_officer_group()
    ensure_moderation_workflow(officers)
    producers = list(ProducerPage.objects.all())
    collections = {}
    for producer in producers:
        _group, collections[producer.pk] = ensure_producer_access(producer)
    _move_own_images(producers, collections)
    return officers


@transaction.atomic
def ensure_roles_and_logins(password: str) -> list[tuple[str, str, bool]]:
    """Roles, plus the demo logins: `officer` and one farmer per producer (username = slug).

    Returns (username, description, created) for each login."""
    officers = ensure_roles()
    logins = []
    user, made = ensure_login(
        OFFICER_USERNAME,
        password,
        [officers],
        full_name="Cán bộ OCOP",
        email="officer@example.com",  # workflow notifications need an address (console in dev)
    )
    logins.append((user.username, "cán bộ duyệt", made))
    for producer in ProducerPage.objects.order_by("title"):
        group = Group.objects.get(name=producer_group_name(producer.slug))
        user, made = ensure_login(
            producer.slug,
            password,
            [group],
            email=producer.email or f"{producer.slug}@example.com",
            full_name=producer.title,
        )
        logins.append((user.username, producer.title, made))
    return logins


def sync_producer_group_name(producer: ProducerPage) -> None:
    """Keep `Producer: <slug>` true when a producer's slug changes (the group keeps its rights,
    which hang on the page, not the name; other apps find the producer by the name)."""
    expected = producer_group_name(producer.slug)
    if Group.objects.filter(name=expected).exists():
        return
    stale = (
        Group.objects.filter(
            name__startswith=PRODUCER_GROUP_PREFIX, page_permissions__page=producer
        )
        .distinct()
        .first()
    )
    if stale is not None:
        stale.name = expected
        stale.save(update_fields=["name"])

"""Moderation (issue 3): farmer submits → officer requests changes → farmer edits → officer
approves → page live — through the real admin views, with e-mail notifications."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from wagtail.models import Page, TaskState, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from products.models import OcopCategory, ProductIndexPage, ProductPage
from products.roles import WORKFLOW_NAME
from tests.products.roles_helpers import login, make_image, two_producers

pytestmark = pytest.mark.django_db

TITLE = "Mứt gừng Tết thử duyệt"
SKU = "mut-gung-tet-thu-duyet-1"
COMMENT = "Ảnh còn mờ, xin chụp lại ảnh rõ hơn."


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _product_form(image, *, summary, variant_id=None, action="action-submit", **extra):
    variant = {"label": "Hộp 250 g", "sku": SKU, "price": "85000", "weight_grams": "250"}
    if variant_id:
        variant["id"] = variant_id
    data = nested_form_data(
        {
            "title": TITLE,
            "slug": "mut-gung-tet-thu-duyet",
            "images": inline_formset([{"image": image.pk, "caption": "Hộp mứt"}]),
            "variants": inline_formset([variant], initial=1 if variant_id else 0, min=1),
            "summary": summary,
            "body": rich_text("<p>Gừng non, đường kính trắng.</p>"),
            "category": OcopCategory.objects.get(code="I.2").pk
            if OcopCategory.objects.filter(code="I.2").exists()
            else OcopCategory.objects.filter(parent__isnull=False).first().pk,
            "origin_commune": "",
            "name_en": "",
            "seo_title": "",
            "search_description": "",
            "go_live_at": "",
            "expire_at": "",
        }
    )
    data[action] = "1"
    data.update(extra)
    return data


def _task_state(page) -> TaskState:
    return TaskState.objects.get(
        workflow_state__base_content_type__isnull=False,
        workflow_state__object_id=str(page.pk),
        status=TaskState.STATUS_IN_PROGRESS,
    )


def test_submit_request_changes_edit_approve(settings):
    producer, _other = two_producers()
    farmer, officer = login(producer.slug), login("officer")
    image = make_image(producer, "hop-mut-gung")
    farmer_client, officer_client = _client(farmer), _client(officer)

    # 1. The farmer creates the product and submits it (and tries to award itself 5 stars).
    add_url = reverse("wagtailadmin_pages:add", args=["products", "productpage", producer.pk])
    response = farmer_client.post(
        add_url, _product_form(image, summary="Mứt gừng dẻo", ocop_stars="5", featured="on")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = ProductPage.objects.child_of(producer).get(slug="mut-gung-tet-thu-duyet")
    assert not page.live
    assert page.ocop_stars is None and page.featured is False  # not the farmer's to set
    state = page.current_workflow_state
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.workflow.name == WORKFLOW_NAME
    assert any(officer.email in m.to for m in mail.outbox), [m.to for m in mail.outbox]

    # The farmer cannot publish it itself, even by posting the publish action.
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    variant_id = page.variants.get().pk
    farmer_client.post(
        edit_url,
        _product_form(image, summary="Tự đăng", variant_id=variant_id, action="action-publish"),
    )
    assert not Page.objects.get(pk=page.pk).live

    # 2. The officer requests changes with a comment; the farmer is told by e-mail and in the admin.
    mail.outbox.clear()
    task_state = _task_state(page)
    reject_url = reverse(
        "wagtailadmin_pages:workflow_action", args=[page.pk, "reject", task_state.pk]
    )
    response = officer_client.post(reject_url, {"comment": COMMENT})
    assert response.status_code in (200, 302)
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_REJECTED
    assert task_state.get_comment() == COMMENT
    assert any(farmer.email in m.to for m in mail.outbox), [m.to for m in mail.outbox]
    assert COMMENT in farmer_client.get(edit_url).content.decode()
    assert not Page.objects.get(pk=page.pk).live

    # 3. The farmer edits and resubmits.
    response = farmer_client.post(
        edit_url, _product_form(image, summary="Mứt gừng dẻo, ảnh mới", variant_id=variant_id)
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS

    # 4. The officer approves: the page goes live with the farmer's latest text.
    task_state = _task_state(page)
    approve_url = reverse(
        "wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk]
    )
    response = officer_client.post(approve_url, {"comment": ""})
    assert response.status_code in (200, 302)
    page = ProductPage.objects.get(pk=page.pk)
    assert page.live
    assert page.summary == "Mứt gừng dẻo, ảnh mới"
    assert page.ocop_stars is None
    listing = Client().get(ProductIndexPage.objects.get().url + "?sort=newest")
    assert TITLE in listing.content.decode()


def test_farmer_sees_ocop_fields_read_only_officer_edits_them():
    producer, _other = two_producers()
    product = producer.products.live().first()
    url = reverse("wagtailadmin_pages:edit", args=[product.pk])
    farmer_html = _client(login(producer.slug)).get(url).content.decode()
    officer_html = _client(login("officer")).get(url).content.decode()
    assert 'name="ocop_stars"' not in farmer_html
    assert "Chứng nhận OCOP" in farmer_html and "Hạng sao OCOP" in farmer_html
    assert 'name="ocop_stars"' in officer_html
    # The form order a farmer thinks in: name, photos, price/unit, description, OCOP certificate.
    positions = [
        farmer_html.index(marker)
        for marker in ('name="title"', "Ảnh sản phẩm", "Quy cách, giá và tồn kho", 'name="summary"')
    ]
    positions.append(farmer_html.index("Chứng nhận OCOP"))
    assert positions == sorted(positions)


def test_workflow_covers_producer_and_product_pages():
    producer, _other = two_producers()
    product = producer.products.first()
    for page in (producer, product):
        workflow = Page.objects.get(pk=page.pk).get_workflow()
        assert workflow is not None and workflow.name == WORKFLOW_NAME

"""The farmer's short product form: units on hand per variant written through the stock
service (never into the revision), SKUs made when left empty, ASCII slugs from Vietnamese
titles, and "Gửi duyệt" as the farmer's main button."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import Revision
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from products.forms import ascii_slug, unique_sku
from products.models import OcopCategory, ProductPage, StockItem, StockMovement
from products.stock import reserve
from tests.products.roles_helpers import login, make_image, two_producers

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(title, variants, *, images=(), slug="", variant_initial=0, action="action-submit"):
    data = nested_form_data(
        {
            "title": title,
            "slug": slug,
            "images": inline_formset([{"image": i.pk, "caption": ""} for i in images]),
            "variants": inline_formset(variants, initial=variant_initial, min=1),
            "summary": "Làm thủ công tại làng.",
            "body": rich_text("<p>Men lam vẽ tay.</p>"),
            "category": OcopCategory.objects.filter(parent__isnull=False).first().pk,
            "origin_commune": "",
            "name_en": "",
            "seo_title": "",
            "search_description": "",
            "go_live_at": "",
            "expire_at": "",
        }
    )
    data[action] = "1"
    return data


def test_ascii_slugs_and_readable_unique_skus():
    assert ascii_slug("Bình gốm men lam") == "binh-gom-men-lam"
    assert ascii_slug("Đúc đồng Ngũ Xã") == "duc-dong-ngu-xa"
    taken = {"binh-gom-men-lam-hop-1"}
    assert unique_sku("Bình gốm men lam", "Hộp 1", set()) == "binh-gom-men-lam-hop-1"
    assert unique_sku("Bình gốm men lam", "Hộp 1", taken) == "binh-gom-men-lam-hop-1-2"


def test_farmer_lists_a_product_with_stock_and_no_sku_in_one_form():
    producer, _other = two_producers()
    farmer = login(producer.slug)
    client = _client(farmer)
    photos = [make_image(producer, "binh-1"), make_image(producer, "binh-2")]
    url = reverse("wagtailadmin_pages:add", args=["products", "productpage", producer.pk])
    response = client.post(
        url,
        _form(
            "Bình gốm men lam",
            [
                {"label": "Bình cao 30 cm", "sku": "", "price": "450000", "stock": "12"},
                {"label": "Bình cao 20 cm", "sku": "", "price": "300000", "stock": ""},
            ],
            images=photos,
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    page = ProductPage.objects.child_of(producer).get(title="Bình gốm men lam")
    assert page.slug == "binh-gom-men-lam"
    assert not page.live and page.current_workflow_state is not None  # sent for review
    skus = [v.sku for v in page.variants.order_by("sort_order")]
    assert skus == ["binh-gom-men-lam-binh-cao-30-cm", "binh-gom-men-lam-binh-cao-20-cm"]
    item = StockItem.objects.get(sku=skus[0])
    assert (item.on_hand, item.reserved) == (12, 0)
    assert StockMovement.objects.get(sku=skus[0]).user == farmer
    assert not StockItem.objects.filter(sku=skus[1], on_hand__gt=0).exists()
    # Stock is not part of the page revision: publishing an old revision cannot change it.
    revision = Revision.page_revisions.filter(object_id=str(page.pk)).latest("created_at")
    assert "stock" not in str(revision.content.get("variants"))


def test_editing_stock_in_the_product_form_never_overwrites_an_order_placed_meanwhile():
    producer, _other = two_producers()
    client = _client(login(producer.slug))
    product = ProductPage.objects.live().filter(producer=producer).first()
    variant = product.variants.first()
    edit = reverse("wagtailadmin_pages:edit", args=[product.pk])
    html = client.get(edit).content.decode()
    seen = re.search(r'name="variants-0-stock_seen" value="(\d+)"', html).group(1)
    before = StockItem.objects.get(sku=variant.sku)
    reserve([(variant.sku, 1)])  # an order arrives while the farmer types
    rows = [
        {
            "id": v.pk,
            "label": v.label,
            "sku": v.sku,
            "price": str(v.price),
            "weight_grams": v.weight_grams or "",
            "stock": str(before.on_hand + 5) if v.pk == variant.pk else "",
            "stock_seen": seen if v.pk == variant.pk else "",
        }
        for v in product.variants.all()
    ]
    data = _form(product.title, rows, slug=product.slug, variant_initial=len(rows))
    data["images-TOTAL_FORMS"] = "0"
    response = client.post(edit, data, follow=True)
    assert response.status_code == 200
    assert "Chưa cập nhật tồn kho" in response.content.decode()
    assert StockItem.objects.get(sku=variant.sku).on_hand == before.on_hand


def test_farmers_main_button_is_send_for_review_officers_keep_publish():
    producer, _other = two_producers()
    url = reverse("wagtailadmin_pages:add", args=["products", "productpage", producer.pk])
    farmer_html = _client(login(producer.slug)).get(url).content.decode()
    officer_html = _client(login("officer")).get(url).content.decode()
    first_button = re.search(r'<button[^>]*name="action-[a-z]+"[^>]*>', farmer_html).group(0)
    assert 'name="action-submit"' in first_button
    assert "Gửi duyệt" in farmer_html and "Lưu nháp" in farmer_html
    assert 'name="action-publish"' not in farmer_html
    assert 'name="action-publish"' in officer_html


def test_several_photos_at_once_from_the_phone_into_the_producers_collection():
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image as PILImage

    from products.roles import producer_collection

    def jpeg(size, name):
        buffer = io.BytesIO()
        PILImage.new("RGB", size, (120, 60, 30)).save(buffer, "JPEG")
        return SimpleUploadedFile(name, buffer.getvalue(), "image/jpeg")

    producer, _other = two_producers()
    client = _client(login(producer.slug))
    url = reverse("wagtailadmin_pages:add", args=["products", "productpage", producer.pk])
    data = _form("Nón lá Chuông", [{"label": "Chiếc", "sku": "", "price": "120000", "stock": "4"}])
    data["new_photos"] = [jpeg((4000, 3000), "IMG_0001.jpg"), jpeg((800, 600), "IMG_0002.jpg")]
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    page = ProductPage.objects.child_of(producer).get(title="Nón lá Chuông")
    images = [row.image for row in page.images.order_by("sort_order")]
    assert len(images) == 2
    assert {i.collection_id for i in images} == {producer_collection(producer).pk}
    assert max(images[0].width, images[0].height) == 2560  # a 12 MP phone photo, shrunk
    assert (images[1].width, images[1].height) == (800, 600)
    # A file that is not a picture is refused with a Vietnamese message; nothing is saved.
    bad = _form("Nón lá lỗi", [{"label": "Chiếc", "sku": "", "price": "1000", "stock": ""}])
    bad["new_photos"] = [SimpleUploadedFile("virus.jpg", b"MZ not a jpeg", "image/jpeg")]
    response = client.post(url, bad)
    assert response.status_code == 200 and "virus.jpg" in response.content.decode()
    assert "không phải là ảnh hợp lệ" in response.content.decode()
    assert not ProductPage.objects.filter(title="Nón lá lỗi").exists()

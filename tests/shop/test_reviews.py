"""Verified reviews (shop/reviews.py): who may review, moderation, the producer's one reply, the
rating summary, the product page and its JSON-LD, and sorting by rating."""

import json
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cms.search import service as search
from products.models import ProductIndexPage, ProductRating
from shop import reviews
from shop.checkout import place_order
from shop.models import Review, ReviewPhoto

from .conftest import address
from .test_admin import client_for, make_user
from .test_returns import delivered, jpeg

pytestmark = pytest.mark.django_db
S = Review.Status


@pytest.fixture
def officer():
    return make_user("can-bo-danh-gia", "Officer")


@pytest.fixture
def producer_a(two_variants):
    return make_user("chu-the-danh-gia", f"Producer: {two_variants[0].page.producer.slug}")


def review(order, **overrides):
    values = dict(rating=5, text="Bình đẹp, men đều, đóng gói rất cẩn thận.", photos=[])
    values.update(overrides)
    return reviews.submit(order, order.lines.get().pk, **values)


def test_only_a_delivered_line_can_be_reviewed_once(two_variants):
    a = two_variants[0]
    pending = place_order(
        items={a.sku: 1},
        address=address(),
        shipping={a.page.producer_id: "delivery"},
        payment_method="cod",
    )
    assert reviews.reviewable(pending) == []
    with pytest.raises(reviews.ReviewError, match="sản phẩm đã nhận"):
        review(pending)

    order, part = delivered(a)
    [item] = reviews.reviewable(order)
    assert item.product_id == a.page.pk
    first = review(order)
    assert (first.product_id, first.producer_id, first.status) == (
        a.page.pk,
        a.page.producer_id,
        S.PENDING,
    )
    assert reviews.reviewable(order) == []
    with pytest.raises(reviews.ReviewError, match="đã đánh giá"):
        review(order)
    assert Review.objects.count() == 1


def test_the_review_window_closes(two_variants, settings):
    order, part = delivered(two_variants[0])
    late = part.delivered_at + timedelta(days=settings.SHOP_REVIEW_DAYS, minutes=1)
    assert reviews.reviewable(order, now=late) == []
    with pytest.raises(reviews.ReviewError, match="trong 90 ngày"):
        review(order, now=late)


def test_lines_placed_before_product_ids_were_kept_still_resolve_by_sku(two_variants):
    order, _ = delivered(two_variants[0])
    order.lines.update(product_id=None)
    order = type(order).objects.get(pk=order.pk)
    [item] = reviews.reviewable(order)
    assert item.product_id == two_variants[0].page.pk


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"rating": 0}, "từ 1 đến 5 sao"),
        ({"rating": "6"}, "từ 1 đến 5 sao"),
        ({"rating": "năm"}, "từ 1 đến 5 sao"),
        ({"text": " "}, "vài lời nhận xét"),
        ({"text": "x" * 2001}, "tối đa 2.000"),
        ({"photos": [jpeg(f"{i}.jpg") for i in range(4)]}, "Tối đa 3 ảnh"),
        (
            {"photos": [SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n<html>x</html>")]},
            "không phải là ảnh hợp lệ",
        ),
    ],
)
def test_bad_reviews_are_refused_and_nothing_is_saved(two_variants, overrides, message):
    order, _ = delivered(two_variants[0])
    with pytest.raises(reviews.ReviewError) as caught:
        review(order, **overrides)
    assert any(message in m for m in caught.value.messages), caught.value.messages
    assert not Review.objects.exists() and not ReviewPhoto.objects.exists()


def test_moderation_publishes_hides_and_keeps_the_rating_true(
    two_variants, officer, producer_a, django_capture_on_commit_callbacks
):
    a = two_variants[0]
    first, _ = delivered(a)
    second, _ = delivered(a)
    r1 = review(first, rating=5)
    r2 = review(second, rating=2, text="Giao chậm, hộp móp một góc.")
    assert not ProductRating.objects.filter(page=a.page, count__gt=0).exists()

    with pytest.raises(reviews.ReviewError, match="cán bộ sàn"):
        reviews.publish(r1, producer_a)
    with django_capture_on_commit_callbacks(execute=True):
        reviews.publish(r1, officer)
    # The producer hears of a published review (so it can reply).
    assert any("có đánh giá mới (5 sao)" in m.subject for m in mail.outbox)
    reviews.publish(r2, officer)
    rating = ProductRating.objects.get(page=a.page)
    assert (rating.count, str(rating.average), rating.stars_5, rating.stars_2) == (2, "3.50", 1, 1)
    assert [row[:2] for row in rating.distribution] == [(5, 1), (4, 0), (3, 0), (2, 1), (1, 0)]
    assert rating.distribution[0][2] == 50

    with pytest.raises(reviews.ReviewError, match="lý do"):
        reviews.hide(r2, officer, reason="")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reviews.hide(r2, officer, reason="Nội dung về giao hàng, không về sản phẩm")
    r2.refresh_from_db()
    assert (r2.status, r2.moderated_by) == (S.HIDDEN, officer)
    rating.refresh_from_db()
    assert (rating.count, str(rating.average)) == (1, "5.00")
    [hidden_mail] = mail.outbox
    assert hidden_mail.to == [second.email]
    assert "không về sản phẩm" in hidden_mail.body


def test_the_producer_replies_once_and_only_to_its_own(two_variants, officer, producer_a):
    b = two_variants[1]
    other = make_user("chu-the-khac", f"Producer: {b.page.producer.slug}")
    order, _ = delivered(two_variants[0])
    r = review(order)
    with pytest.raises(reviews.ReviewError, match="người bán của sản phẩm"):
        reviews.reply(r, other, text="Cảm ơn")
    with pytest.raises(reviews.ReviewError, match="người bán của sản phẩm"):
        reviews.reply(r, officer, text="Cảm ơn")
    reviews.reply(r, producer_a, text="Cảm ơn anh đã tin dùng gốm làng mình!")
    r.refresh_from_db()
    assert r.reply.startswith("Cảm ơn anh") and r.reply_by == producer_a
    with pytest.raises(reviews.ReviewError, match="một lần"):
        reviews.reply(r, producer_a, text="Sửa lại")


def test_buyer_reviews_from_the_signed_order_link_with_a_photo(two_variants):
    order, _ = delivered(two_variants[0])
    client = Client()
    page = client.get(order.signed_url())
    line = order.lines.get()
    url = reverse("shop:write_review", args=[order.reference, line.pk])
    assert url in page.content.decode()
    form = client.get(f"{url}?t={order.signed_token()}")
    assert form.status_code == 200
    # A stranger without the link cannot.
    assert Client().get(url).status_code == 404

    bad = client.post(f"{url}?t={order.signed_token()}", {"text": "Rất ngon"})
    assert bad.status_code == 200
    assert "Chọn từ 1 đến 5 sao." in bad.content.decode()
    assert "Rất ngon" in bad.content.decode()  # what was typed is kept

    done = client.post(
        f"{url}?t={order.signed_token()}",
        {"rating": "4", "text": "Rất ngon, sẽ mua lại.", "author_name": "", "photos": [jpeg()]},
    )
    assert done.status_code == 302
    saved = Review.objects.get()
    assert (saved.rating, saved.author_name) == (4, reviews.default_author(order))
    assert saved.photos.get().content_type == "image/jpeg"
    after = client.get(order.signed_url()).content.decode()
    assert "Bạn đã đánh giá 4★" in after
    # Not yet published: its photo is not public.
    photo = saved.photos.get()
    assert Client().get(reverse("shop:review_photo", args=[photo.pk])).status_code == 404


def test_default_author_is_short():
    class Buyer:
        recipient = "Nguyễn Văn An"

    assert reviews.default_author(Buyer) == "An N."
    Buyer.recipient = "Mai"
    assert reviews.default_author(Buyer) == "Mai"


def test_product_page_shows_published_reviews_and_json_ld(
    two_variants, officer, producer_a, django_capture_on_commit_callbacks
):
    a = two_variants[0]
    order, _ = delivered(a)
    r = review(order, rating=4, text="Gốm đẹp <b>thật</b>", photos=[jpeg()])
    html = Client().get(a.page.url).content.decode()
    assert "Gốm đẹp" not in html and "Chưa có đánh giá" in html

    with django_capture_on_commit_callbacks(execute=True):  # purges the cached page
        reviews.publish(r, officer)
    html = Client().get(a.page.url).content.decode()
    assert "Gốm đẹp" in html and "Cảm ơn chị!" not in html
    with django_capture_on_commit_callbacks(execute=True):
        reviews.reply(r, producer_a, text="Cảm ơn chị!")
    html = Client().get(a.page.url).content.decode()
    assert "Gốm đẹp &lt;b&gt;thật&lt;/b&gt;" in html  # escaped
    assert "Cảm ơn chị!" in html and "Đã mua hàng" in html
    assert 'href="#danh-gia"' in html
    photo = r.photos.get()
    assert Client().get(reverse("shop:review_photo", args=[photo.pk])).status_code == 200

    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    product = next(d for d in map(json.loads, blocks) if d.get("@type") == "Product")
    assert product["aggregateRating"] == {
        "@type": "AggregateRating",
        "ratingValue": "4.00",
        "reviewCount": 1,
        "bestRating": 5,
        "worstRating": 1,
    }
    [item] = product["review"]
    assert item["reviewRating"]["ratingValue"] == 4
    assert item["author"]["name"] == r.author_name
    assert item["reviewBody"] == "Gốm đẹp <b>thật</b>"
    assert "<b>" not in blocks[0]  # "<" is escaped inside the script

    listing = Client().get(reverse("shop:product_reviews", args=[a.page.pk])).content.decode()
    assert "Gốm đẹp" in listing


def test_listing_and_search_sort_by_rating(two_variants, officer):
    a, b = two_variants
    for variant, stars in ((a, 3), (b, 5)):
        order, _ = delivered(variant)
        reviews.publish(review(order, rating=stars), officer)
    catalogue = ProductIndexPage.objects.live().get()
    html = Client().get(catalogue.url + "?sort=rating").content.decode()
    assert html.index(b.page.title) < html.index(a.page.title)
    assert "5,0/5 (1 đánh giá)" in html or "5.0/5 (1 đánh giá)" in html

    search.rebuild()
    found = search.search({"sort": "rating", "type": "product"})
    ids = [hit.id for hit in found.hits]
    assert ids.index(b.page.pk) < ids.index(a.page.pk)
    cheap_first = [hit.id for hit in search.search({"sort": "price", "type": "product"}).hits]
    assert cheap_first != ids or a.page.min_price == b.page.min_price
    page = Client().get("/tim-kiem/?sort=rating").content.decode()
    assert 'aria-current="true" class="is-selected">Đánh giá cao' in page
    bad = Client().get("/api/search/?sort=best")
    assert bad.status_code == 400 and bad.json()["param"] == "sort"


def test_rating_change_reindexes_the_product(
    two_variants, officer, django_capture_on_commit_callbacks
):
    from cms.search.models import IndexedDocument

    a = two_variants[0]
    search.rebuild()
    order, _ = delivered(a)
    with django_capture_on_commit_callbacks(execute=True):
        reviews.publish(review(order, rating=2), officer)

    row = IndexedDocument.objects.get(doc_type="product", object_id=a.page.pk)
    assert (row.rating, row.rating_count) == (2.0, 1)


def test_admin_moderation_and_reply_screens(two_variants, officer, producer_a):
    order, _ = delivered(two_variants[0])
    r = review(order, photos=[jpeg()])
    as_officer = client_for(officer)
    page = as_officer.get(reverse("shop_admin_reviews"))
    assert page.status_code == 200
    assert r.text in page.content.decode()
    photo = r.photos.get()
    assert as_officer.get(reverse("shop_admin_review_photo", args=[photo.pk])).status_code == 200
    action = reverse("shop_admin_review_action", args=[r.pk])
    as_officer.post(action, {"action": "publish", "status": "pending"})
    r.refresh_from_db()
    assert r.status == S.PUBLISHED

    as_producer = client_for(producer_a)
    listing = as_producer.get(reverse("shop_admin_reviews")).content.decode()
    assert r.text in listing and 'name="reply"' in listing and 'value="hide"' not in listing
    # A producer cannot moderate.
    as_producer.post(action, {"action": "hide", "reason": "Không thích"})
    r.refresh_from_db()
    assert r.status == S.PUBLISHED
    as_producer.post(action, {"action": "reply", "reply": "Cảm ơn quý khách."})
    r.refresh_from_db()
    assert r.reply == "Cảm ơn quý khách."

    stranger = make_user("nguoi-la-danh-gia")
    assert client_for(stranger).get(reverse("shop_admin_reviews")).status_code in (302, 403)

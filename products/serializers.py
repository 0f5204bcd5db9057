"""Serializers for the open read API (Wagtail API v2)."""

from rest_framework import serializers


class CommuneSerializer(serializers.Serializer):
    def to_representation(self, commune):
        if commune is None:
            return None
        return {
            "code": commune.code,
            "name": commune.name,
            "kind": commune.kind,
            "legacy": [
                {"commune": n.legacy_commune, "district": n.legacy_district}
                for n in commune.legacy_names.all()
            ],
        }


class CategorySerializer(serializers.Serializer):
    def to_representation(self, category):
        group = category.group
        return {
            "code": category.code,
            "name": category.name,
            "name_en": category.name_en,
            "group": {"code": group.code, "name": group.name, "name_en": group.name_en},
        }


class ProducerRefSerializer(serializers.Serializer):
    def to_representation(self, producer):
        if producer is None:
            return None
        return {
            "id": producer.pk,
            "title": producer.title,
            "kind": producer.kind,
            "url": producer.url,
        }


class VariantSerializer(serializers.Serializer):
    def to_representation(self, variant):
        return {
            "sku": variant.sku,
            "label": variant.label,
            "price": variant.price,
            "currency": "VND",
            "weight_grams": variant.weight_grams,
        }

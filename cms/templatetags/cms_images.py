"""Wagtail's `image`, `srcset_image` and `picture` tags, with each filter spec parsed once.

Wagtail builds new `Filter` objects at every render, and each parses its operations again
(`inspect.getcallargs` per operation): on a listing of 24 cards with four renditions each that
was a fifth of the render time. A `Filter` holds nothing per image once parsed, so the parsed
ones are kept per spec for the life of the process. Same syntax and output as Wagtail's tags;
load this library instead of `wagtailimages_tags`.
"""

from functools import lru_cache

from django import template
from wagtail.images.models import Filter
from wagtail.images.templatetags import wagtailimages_tags as wagtail_tags

register = template.Library()


@lru_cache(maxsize=1024)
def parsed_filter(spec: str) -> Filter:
    """The `Filter` for a spec string, its operations parsed (shared, read-only)."""
    result = Filter(spec=spec)
    result.operations  # noqa: B018 - parse now, once
    return result


@lru_cache(maxsize=512)
def parsed_filters(specs: tuple[str, ...]) -> tuple[Filter, ...]:
    """The Filters of a multi-rendition tag's specs ("format-{webp,jpeg}", "fill-{1x1,2x2}")."""
    return tuple(parsed_filter(spec) for spec in Filter.expand_spec(list(specs)))


def filter_specs(*specs: str) -> list[str]:
    """The expanded spec strings of a tag's specs (what its renditions are stored under)."""
    return [f.spec for f in parsed_filters(tuple(specs))]


class ImageNode(wagtail_tags.ImageNode):
    def get_filter(self):
        return parsed_filter("|".join(self.filter_specs))


class SrcsetImageNode(wagtail_tags.SrcsetImageNode):
    def get_filters(self):
        return list(parsed_filters(tuple(self.filter_specs)))


class PictureNode(wagtail_tags.PictureNode):
    def get_filters(self):
        return list(parsed_filters(tuple(self.filter_specs)))


NODES = {"image": ImageNode, "srcset_image": SrcsetImageNode, "picture": PictureNode}


def image(parser, token):
    node = wagtail_tags.image(parser, token)  # Wagtail's own parsing and error messages
    ours = NODES[token.split_contents()[0]]
    return ours(
        node.image_expr,
        node.filter_specs,
        attrs=node.attrs,
        output_var_name=node.output_var_name,
    )


register.tag("image", image)
register.tag("srcset_image", image)
register.tag("picture", image)
register.simple_tag(wagtail_tags.image_url, name="image_url")

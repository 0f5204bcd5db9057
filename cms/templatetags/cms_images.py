"""Wagtail's `image`, `srcset_image` and `picture` tags, with each filter spec parsed once.

Wagtail builds new `Filter` objects at every render, and each parses its operations again
(`inspect.getcallargs` per operation): on a listing of 24 cards with four renditions each that
was a fifth of the render time. A `Filter` holds nothing per image once parsed, so the parsed
ones are kept per spec for the life of the process. Same syntax and output as Wagtail's tags;
load this library instead of `wagtailimages_tags`.

A single rendition is fetched through `image.get_renditions()` (`rendition()` below): Wagtail's
`get_rendition()` writes the rendition back to the cache on every call, even one it found among
the renditions prefetched with the page (a cache round trip each, four on a product page);
`get_renditions()` writes only what it did not find prefetched. Same rendition either way.
"""

from functools import lru_cache

from django import template
from wagtail.images.models import Filter
from wagtail.images.shortcuts import get_renditions_or_not_found
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


def rendition(image, spec: str | Filter):
    """`image.get_rendition(spec)` (a missing source file: Wagtail's "not-found" rendition),
    with no cache write for a prefetched rendition."""
    filter = parsed_filter(spec) if isinstance(spec, str) else spec
    return next(iter(get_renditions_or_not_found(image, [filter]).values()))


class ImageNode(wagtail_tags.ImageNode):
    def get_filter(self):
        return parsed_filter("|".join(self.filter_specs))

    def render(self, context):  # Wagtail's, with rendition() above
        image = self.validate_image(context)
        if not image:
            return ""
        found = rendition(image, self.get_filter())
        if self.output_var_name:
            context[self.output_var_name] = found
            return ""
        return found.img_tag({key: value.resolve(context) for key, value in self.attrs.items()})


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

"""qrstack_renderer: designer QR codes in PNG, SVG, PDF, JPEG and WebP that always scan.

In-process use: `render(RenderSpec(...)) -> RenderedImage`. As a service: `create_app`.
"""

from qrstack_common.render.spec import RenderSpec, Style
from qrstack_renderer.render import RenderedImage, render

__all__ = ["RenderSpec", "RenderedImage", "Style", "render"]

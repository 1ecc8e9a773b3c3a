"""The mkdocs-macros package of the KVM Knowledge Base.

``mkdocs.yml`` names ``macros/main`` as the module: ``main.py`` holds only the
entry points that mkdocs-macros calls and wires the pieces below together.

==================  ==========================================================
``errors.py``       :class:`MacroError`, raised with the file and the fix
``data.py``         loading and checking the data files under ``data/``
``sources.py``      ``linux_src`` / ``qemu_src`` / ``libvirt_src`` links
``pages.py``        the page context; ``xref`` and ``section_index``
``glossary.py``     ``glossary_table`` and the abbreviation tooltips
``faq.py``          ``faq_index``, ``faq_category`` and ``error_catalogue``
``verified.py``     ``verified``: what the tests verified for a hands-on page
``render.py``       small Markdown helpers shared by the macros
``protect.py``      code protected from Jinja; the immutable sandbox
``bundle.py``       the post-build patch of Material's JavaScript bundle
==================  ==========================================================
"""
